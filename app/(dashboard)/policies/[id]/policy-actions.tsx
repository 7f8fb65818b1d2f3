"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/client/api";

/** Warnings a change came back with (e.g. "nothing is permitted any more"), kept on screen. */
export function ChangeWarnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <Alert variant="warning">
      <AlertDescription>
        {warnings.map((w) => (
          <p key={w}>{w}</p>
        ))}
      </AlertDescription>
    </Alert>
  );
}

/** Enable / disable behind a confirmation with a reason (recorded in the audit trail). */
export function PolicyEnableActions({ policyId, name, enabled }: { policyId: string; name: string; enabled: boolean }) {
  const router = useRouter();
  const [warnings, setWarnings] = React.useState<string[]>([]);
  const run = (verb: "enable" | "disable") => async (reason: string) => {
    const out = await api<{ warnings: string[] }>(`/api/v1/policies/${policyId}/${verb}`, { body: { reason } });
    setWarnings(out.warnings ?? []);
    router.refresh();
  };
  const baseline = name === "baseline-permit";
  return (
    <div className="grid justify-items-end gap-2">
      {enabled ? (
        <ConfirmDialog
          title={`Disable ${name}?`}
          description={
            baseline
              ? "The baseline permit is what lets calls that passed the intent check through. With it disabled nothing is permitted unless another permit policy says so: expect every tool call to be denied, on every Warden instance within a second."
              : "It stops taking part in decisions on every Warden instance within a second. Its versions are kept; enable it again at any time."
          }
          confirmLabel="Disable"
          trigger={
            <Button variant="outline" size="sm">
              Disable
            </Button>
          }
          onConfirm={run("disable")}
        />
      ) : (
        <ConfirmDialog
          title={`Enable ${name}?`}
          description="Its active version takes part in decisions again on every Warden instance within a second."
          confirmLabel="Enable"
          variant="default"
          trigger={<Button size="sm">Enable</Button>}
          onConfirm={run("enable")}
        />
      )}
      <ChangeWarnings warnings={warnings} />
    </div>
  );
}
