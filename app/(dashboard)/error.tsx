"use client";

import { PageError } from "@/components/shell/page-error";

// A dashboard page that fails keeps the navigation around it (components/shell/page-error.tsx).
export default PageError;
