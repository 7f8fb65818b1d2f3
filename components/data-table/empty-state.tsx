import * as React from "react";
import { Inbox } from "lucide-react";

import { cn } from "@/lib/utils";

export type EmptyStateProps = {
  title: React.ReactNode;
  description?: React.ReactNode;
  /** Icon element; defaults to an inbox. */
  icon?: React.ReactNode;
  /** e.g. a "Clear filters" or "Register agent" button. */
  action?: React.ReactNode;
  className?: string;
};

/** Shown in place of a table when a list has no rows; say why and what to do next. */
export function EmptyState({ title, description, icon, action, className }: EmptyStateProps) {
  return (
    <div
      className={cn(
        "flex flex-col items-center justify-center gap-2 rounded-md border border-dashed px-6 py-10 text-center",
        className,
      )}
    >
      <div className="text-muted-foreground [&_svg]:size-6" aria-hidden="true">
        {icon ?? <Inbox />}
      </div>
      <p className="text-sm font-medium">{title}</p>
      {description && <p className="max-w-md text-sm text-muted-foreground">{description}</p>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}
