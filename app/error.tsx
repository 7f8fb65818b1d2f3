"use client";

import { PageError } from "@/components/shell/page-error";

// Errors in a layout (the dashboard's reads the person from the database) land here.
export default PageError;
