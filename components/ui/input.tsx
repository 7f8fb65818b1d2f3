import * as React from "react";

import { cn } from "@/lib/utils";

// Shared with Textarea and NativeSelect so every field has the same border, focus ring and error look.
export const fieldClasses =
  "w-full min-w-0 rounded-md border border-input bg-background px-2.5 text-sm shadow-xs transition-colors outline-hidden placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40 disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive aria-invalid:ring-destructive/30";

export function Input({ className, type = "text", ...props }: React.ComponentProps<"input">) {
  return (
    <input
      data-slot="input"
      type={type}
      className={cn(
        fieldClasses,
        "h-8 py-1 file:mr-2 file:border-0 file:bg-transparent file:text-sm file:font-medium",
        className,
      )}
      {...props}
    />
  );
}
