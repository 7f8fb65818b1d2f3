import Link from "next/link";
import { OutcomeBadge } from "@/components/sessions/session-status-badge";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { SessionSpan } from "@/lib/domain/traces";
import { cn } from "@/lib/utils";

/**
 * Spans from the agent's own OpenTelemetry traces. A tool call that never asked Warden stands
 * out; a checked one names the decision it was joined to (searchable in the audit trail).
 */
export function SessionTraces({ spans }: { spans: SessionSpan[] }) {
  if (!spans.length) return <p className="text-sm text-muted-foreground">No traces received for this session. Agents export them to /api/v1/otel (OTLP/HTTP JSON).</p>;
  return (
    <Table aria-label="Trace spans, newest first">
      <TableHeader>
        <TableRow>
          <TableHead>Started</TableHead>
          <TableHead>Span</TableHead>
          <TableHead>Tool</TableHead>
          <TableHead>Warden</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {spans.map((s) => {
          const unchecked = s.kind === "tool_call" && !s.checked;
          return (
            <TableRow key={s.id} data-kind={s.kind} data-checked={s.kind === "tool_call" ? String(s.checked) : undefined} className={cn(unchecked && "border-l-4 border-l-destructive bg-destructive/5")}>
              <TableCell className="text-xs">
                <Time value={s.startedAt} />
              </TableCell>
              <TableCell className="font-mono text-xs">
                <div>{s.name}</div>
                <div className="text-muted-foreground" title={`trace ${s.traceId}`}>
                  span {s.spanId}
                  {s.status === "error" ? <span className="ml-1 text-destructive">· error</span> : null}
                </div>
              </TableCell>
              <TableCell className="font-mono text-xs">{s.tool ? `${s.connector ? `${s.connector} · ` : ""}${s.tool}` : "—"}</TableCell>
              <TableCell className="text-xs">
                {s.kind !== "tool_call" ? (
                  <span className="text-muted-foreground">{s.kind === "agent_turn" ? "agent turn" : "—"}</span>
                ) : s.checked && s.decisionId ? (
                  <span className="flex items-center gap-2">
                    <Link href={`/audit?q=${s.decisionId}`} className="underline-offset-2 hover:underline">
                      <Badge variant="success">checked</Badge>
                    </Link>
                    {s.decisionOutcome ? <OutcomeBadge outcome={s.decisionOutcome} /> : null}
                    {s.decisionOutcome && s.decisionOutcome !== "allow" && s.status !== "error" ? <Badge variant="destructive">ran although refused</Badge> : null}
                  </span>
                ) : s.flagged ? (
                  <Badge variant="destructive">unchecked: bypassed Warden</Badge>
                ) : (
                  <Badge variant="warning">not checked yet</Badge>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
