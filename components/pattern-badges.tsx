import { Badge } from "@/components/ui/badge";

/** Action patterns (connector:tool.operation) or operation names as a wrapping row of chips. */
export function PatternBadges({ patterns, empty = "—" }: { patterns: readonly string[]; empty?: React.ReactNode }) {
  if (patterns.length === 0) return <>{empty}</>;
  return (
    <span className="flex flex-wrap gap-1">
      {patterns.map((p) => (
        <Badge key={p} variant="outline" className="font-mono">
          {p}
        </Badge>
      ))}
    </span>
  );
}
