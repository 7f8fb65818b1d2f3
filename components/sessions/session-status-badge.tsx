import { Badge } from "@/components/ui/badge";

export function SessionStatusBadge({ status }: { status: string }) {
  const variant = status === "active" ? "success" : status === "pending" ? "warning" : status === "denied" ? "destructive" : "muted";
  return <Badge variant={variant}>{status}</Badge>;
}

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const variant = outcome === "allow" ? "success" : outcome === "escalate" ? "warning" : "destructive";
  return <Badge variant={variant}>{outcome}</Badge>;
}
