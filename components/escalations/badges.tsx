import { Badge } from "@/components/ui/badge";

/** pending waits (warning), approved passed, denied and expired both mean "no" to the agent. */
export function EscalationStatusBadge({ status }: { status: string }) {
  const variant = status === "pending" ? "warning" : status === "approved" ? "success" : status === "denied" ? "destructive" : "muted";
  return <Badge variant={variant}>{status}</Badge>;
}
