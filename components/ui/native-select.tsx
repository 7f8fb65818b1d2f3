import * as React from "react";
import { ChevronDown } from "lucide-react";

import { cn } from "@/lib/utils";
import { fieldClasses } from "./input";

/**
 * A styled native `<select>`: works without JS, posts with plain forms, and brings the platform's
 * own keyboard and screen-reader behaviour. Prefer it for filters and simple forms; use the Radix
 * `Select` only when options need rich content.
 */
export function NativeSelect({
  className,
  wrapperClassName,
  children,
  ...props
}: React.ComponentProps<"select"> & { wrapperClassName?: string }) {
  return (
    <div className={cn("relative inline-flex w-full", wrapperClassName)}>
      <select
        data-slot="native-select"
        className={cn(fieldClasses, "h-8 appearance-none py-1 pr-8", className)}
        {...props}
      >
        {children}
      </select>
      <ChevronDown
        aria-hidden="true"
        className="pointer-events-none absolute top-1/2 right-2.5 size-4 -translate-y-1/2 text-muted-foreground"
      />
    </div>
  );
}
