import * as React from "react";
import { cva, type VariantProps } from "class-variance-authority";
import { CircleCheck, CircleX, Info, TriangleAlert } from "lucide-react";

import { cn } from "@/lib/utils";

const alertVariants = cva(
  "relative grid w-full grid-cols-[auto_1fr] items-start gap-x-2.5 gap-y-0.5 rounded-md border px-3 py-2.5 text-sm [&>svg]:mt-0.5 [&>svg]:size-4 [&>svg]:text-current",
  {
    variants: {
      variant: {
        info: "border-border bg-card text-card-foreground [&>svg]:text-info",
        destructive: "border-destructive/40 bg-destructive/5 text-destructive",
        warning: "border-warning/40 bg-warning/5 text-warning",
        success: "border-success/40 bg-success/5 text-success",
      },
    },
    defaultVariants: { variant: "info" },
  },
);

const icons = { info: Info, destructive: CircleX, warning: TriangleAlert, success: CircleCheck } as const;

export type AlertProps = React.ComponentProps<"div"> &
  VariantProps<typeof alertVariants> & {
    /** Replace the variant's icon, or pass `false` for none. */
    icon?: React.ReactNode | false;
  };

/**
 * Problems (destructive / warning) use role="alert" so they are announced when they appear;
 * info / success use role="status" (polite). Override with `role` when the default is wrong.
 */
export function Alert({ className, variant, icon, role, children, ...props }: AlertProps) {
  const v = variant ?? "info";
  const Icon = icons[v];
  return (
    <div
      data-slot="alert"
      role={role ?? (v === "destructive" || v === "warning" ? "alert" : "status")}
      className={cn(alertVariants({ variant: v }), icon === false && "grid-cols-1", className)}
      {...props}
    >
      {icon === false ? null : icon ?? <Icon aria-hidden="true" />}
      <div className={cn("flex min-w-0 flex-col gap-0.5", icon !== false && "col-start-2")}>{children}</div>
    </div>
  );
}

export function AlertTitle({ className, ...props }: React.ComponentProps<"div">) {
  return <div data-slot="alert-title" className={cn("leading-5 font-medium", className)} {...props} />;
}

export function AlertDescription({ className, ...props }: React.ComponentProps<"div">) {
  return (
    <div
      data-slot="alert-description"
      className={cn("text-sm text-foreground/80 [&_p]:leading-relaxed", className)}
      {...props}
    />
  );
}
