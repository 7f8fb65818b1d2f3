"use client";

import * as React from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
import { TableCell } from "@/components/ui/table";

// Pieces of the two version tables (a policy's versions, the general schema's versions): the
// same cells and actions, so both read and behave alike.

/** Comment, author and time of a saved version. */
export function VersionCells({ comment, createdByName, createdAt, commentWidth }: { comment: string; createdByName: string | null; createdAt: string | Date; commentWidth: string }) {
  return (
    <>
      <TableCell className={`${commentWidth} truncate`} title={comment}>
        {comment || <span className="text-muted-foreground">—</span>}
      </TableCell>
      <TableCell>{createdByName ?? <span className="text-muted-foreground">system</span>}</TableCell>
      <TableCell>
        <Time value={createdAt} />
      </TableCell>
    </>
  );
}

/** Shows or hides this version's diff below the table. */
export function DiffToggle({ version, compare, setCompare }: { version: number; compare: number | null; setCompare: (v: number | null) => void }) {
  const shown = compare === version;
  return (
    <Button variant="ghost" size="sm" aria-pressed={shown} onClick={() => setCompare(shown ? null : version)}>
      {shown ? "Hide diff" : "Diff"}
      <span className="sr-only"> of v{version}</span>
    </Button>
  );
}

/** Activation behind a confirmation that asks for a reason. */
export function ActivateVersion({ version, title, description, onConfirm }: { version: number; title: string; description: React.ReactNode; onConfirm: (reason: string) => Promise<void> }) {
  return (
    <ConfirmDialog
      title={title}
      description={description}
      confirmLabel="Activate"
      variant="default"
      trigger={
        <Button variant="outline" size="sm">
          Activate<span className="sr-only"> v{version}</span>
        </Button>
      }
      onConfirm={onConfirm}
    />
  );
}
