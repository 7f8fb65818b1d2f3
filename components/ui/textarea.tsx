import * as React from "react";

import { cn } from "@/lib/utils";
import { fieldClasses } from "./input";

export function Textarea({ className, rows = 3, ...props }: React.ComponentProps<"textarea">) {
  return (
    <textarea
      data-slot="textarea"
      rows={rows}
      className={cn(fieldClasses, "min-h-16 py-1.5 leading-5", className)}
      {...props}
    />
  );
}
