"use client";

import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/client/api";

const COPY = {
  session: { button: "Revoke session's credentials", title: "Revoke every credential of this session?", body: "Each one stops working on its next use, on every Warden instance; database logins are dropped and their connections closed." },
  agent: { button: "Revoke all credentials", title: "Revoke every credential this agent holds?", body: "Its keys and just-in-time credentials stop working at once. The agent stays active: issue a new key when it should act again." },
  connector: { button: "Break glass", title: "Revoke every credential for this connector?", body: "Every agent's credential for this connector stops working at once. Use it when a secret for this system may have leaked." },
} as const;

/** Revokes all live credentials of a session, an agent or a connector, behind a reason. */
export function RevokeAllButton({ scope, id }: { scope: keyof typeof COPY; id: string }) {
  const router = useRouter();
  const c = COPY[scope];
  return (
    <ConfirmDialog
      title={c.title}
      description={c.body}
      confirmLabel="Revoke all"
      trigger={
        <Button variant={scope === "connector" ? "destructive" : "outline"} size="sm">
          {c.button}
        </Button>
      }
      onConfirm={async (reason) => {
        await api(`/api/v1/${scope}s/${id}/revoke-credentials`, { body: { reason } });
        router.refresh();
      }}
    />
  );
}
