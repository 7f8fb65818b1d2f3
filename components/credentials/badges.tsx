import { Badge } from "@/components/ui/badge";
import { CREDENTIAL_KIND_LABELS } from "@/lib/domain/credentials/constants";

export type CredentialStatus = "active" | "expired" | "revoked";

export function CredentialStatusBadge({ status, title }: { status: CredentialStatus; title?: string }) {
  const variant = status === "active" ? "success" : status === "revoked" ? "destructive" : "muted";
  return (
    <Badge variant={variant} title={title}>
      {status}
    </Badge>
  );
}

/** Just-in-time (issued per task, short-lived) vs standing (long-lived, a finding in itself). */
export function JitBadge({ jit }: { jit: boolean }) {
  return jit ? (
    <Badge variant="success">JIT</Badge>
  ) : (
    <Badge variant="warning" title="Long-lived secret: not bound to a task">
      standing
    </Badge>
  );
}

export function credentialKindLabel(kind: string) {
  return CREDENTIAL_KIND_LABELS[kind as keyof typeof CREDENTIAL_KIND_LABELS] ?? kind;
}
