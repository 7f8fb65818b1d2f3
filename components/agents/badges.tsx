import { Badge } from "@/components/ui/badge";

export function RiskBadge({ tier }: { tier: "low" | "medium" | "high" }) {
  const variant = tier === "high" ? "destructive" : tier === "medium" ? "warning" : "muted";
  return <Badge variant={variant}>{tier}</Badge>;
}

export function StatusBadge({ status }: { status: "active" | "quarantined" | "retired" }) {
  const variant = status === "active" ? "success" : status === "quarantined" ? "destructive" : "muted";
  return <Badge variant={variant}>{status}</Badge>;
}
