"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { RotateCw, TriangleAlert } from "lucide-react";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

export type ErrorStateProps = {
  title?: React.ReactNode;
  /** A safe, user-facing message; never pass raw exception text from the server. */
  message?: React.ReactNode;
  /** Retry handler (e.g. react-query `refetch` or an error boundary's `reset`). Defaults to router.refresh(). */
  onRetry?: () => void;
  retryLabel?: string;
  className?: string;
};

export function ErrorState({
  title = "Could not load this list",
  message = "Something went wrong while loading. Check your connection and try again.",
  onRetry,
  retryLabel = "Try again",
  className,
}: ErrorStateProps) {
  const router = useRouter();
  return (
    <div
      role="alert"
      className={cn(
        "flex flex-col items-center justify-center gap-2 rounded-md border border-destructive/40 px-6 py-10 text-center",
        className,
      )}
    >
      <TriangleAlert aria-hidden="true" className="size-6 text-destructive" />
      <p className="text-sm font-medium">{title}</p>
      {message && <p className="max-w-md text-sm text-muted-foreground">{message}</p>}
      <Button variant="outline" size="sm" className="mt-2" onClick={() => (onRetry ? onRetry() : router.refresh())}>
        <RotateCw aria-hidden="true" />
        {retryLabel}
      </Button>
    </div>
  );
}
