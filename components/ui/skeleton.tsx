import * as React from "react";

import { cn } from "@/lib/utils";

// aria-hidden: the surrounding region announces "Loading" once, not every grey bar.
export function Skeleton({ className, ...props }: React.ComponentProps<"div">) {
  return (
    <div
      data-slot="skeleton"
      aria-hidden="true"
      className={cn("animate-pulse rounded-md bg-muted", className)}
      {...props}
    />
  );
}
