"use client";

import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/client/api";

/** Quarantine / retire / reactivate, each behind a confirmation with a reason. */
export function AgentStatusActions({ agentId, name, status, quarantineOnly = false }: { agentId: string; name: string; status: string; quarantineOnly?: boolean }) {
  const router = useRouter();
  const run = (verb: string) => async (reason: string) => {
    await api(`/api/v1/agents/${agentId}/${verb}`, { body: { reason } });
    router.refresh();
  };
  if (status === "retired" || (quarantineOnly && status !== "active")) return null;
  return (
    <div className="flex flex-wrap gap-2">
      {status === "active" ? (
        <ConfirmDialog
          title={`Quarantine ${name}?`}
          description="Every credential it holds is revoked now and every decision for it becomes deny until someone reactivates it."
          confirmLabel="Quarantine"
          trigger={<Button variant="destructive" size="sm">Quarantine</Button>}
          onConfirm={run("quarantine")}
        />
      ) : (
        <ConfirmDialog
          title={`Reactivate ${name}?`}
          description="The agent can open sessions again. Its revoked credentials stay revoked; issue a new key if it needs one."
          confirmLabel="Reactivate"
          variant="default"
          trigger={<Button variant="outline" size="sm">Reactivate</Button>}
          onConfirm={run("reactivate")}
        />
      )}
      {quarantineOnly ? null : (
      <ConfirmDialog
        title={`Retire ${name}?`}
        description="Retirement is final: every credential is revoked and the agent can never act again."
        confirmLabel="Retire"
        trigger={<Button variant="outline" size="sm">Retire</Button>}
        onConfirm={run("retire")}
      />
      )}
    </div>
  );
}

export function RevokeCredentialButton({ credentialId, label }: { credentialId: string; label: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      title={`Revoke ${label}?`}
      description="It stops working on its next use, on every Warden instance."
      confirmLabel="Revoke"
      trigger={<Button variant="ghost" size="sm" className="text-destructive">Revoke</Button>}
      onConfirm={async (reason) => {
        await api(`/api/v1/credentials/${credentialId}/revoke`, { body: { reason } });
        router.refresh();
      }}
    />
  );
}
