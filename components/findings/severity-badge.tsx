import { Badge } from "@/components/ui/badge";

/** A finding's severity: high and critical stand out, medium warns, the rest are muted. */
export function SeverityBadge({ severity }: { severity: string }) {
  const variant = severity === "critical" || severity === "high" ? "destructive" : severity === "medium" ? "warning" : "muted";
  return <Badge variant={variant}>{severity}</Badge>;
}
