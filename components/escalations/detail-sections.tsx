import Link from "next/link";
import { DetailList } from "@/components/detail-list";
import { OutcomeBadge } from "@/components/sessions/session-status-badge";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { actionName, SCOPE_OPTIONS } from "./ask";
import type { EscalationView } from "./types";

/** The policy's reasons, code and sentence; `labelledBy` names the heading above the list. */
export function ReasonList({ reasons, labelledBy }: { reasons: EscalationView["escalation"]["reasons"]; labelledBy?: string }) {
  if (!reasons.length) return <p className="text-sm text-muted-foreground">No reasons recorded.</p>;
  return (
    <ul className="space-y-1 text-sm" aria-labelledby={labelledBy}>
      {reasons.map((r, i) => (
        <li key={`${r.code}-${i}`}>
          <code className="text-xs">{r.code}</code> <span className="text-muted-foreground">— {r.message}</span>
        </li>
      ))}
    </ul>
  );
}

/** The session's last calls, newest first, so the approver sees what led up to the request. */
export function RecentCalls({ calls, escalationId }: { calls: EscalationView["recentDecisions"]; escalationId: string }) {
  if (!calls.length) return <p className="text-sm text-muted-foreground">No tool calls in this session yet.</p>;
  return (
    <Table aria-label="Recent calls in this session">
      <TableHeader>
        <TableRow>
          <TableHead>When</TableHead>
          <TableHead>Call</TableHead>
          <TableHead>Outcome</TableHead>
          <TableHead>Reasons</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {calls.map((d) => (
          <TableRow key={d.id} data-outcome={d.outcome}>
            <TableCell>
              <Time value={d.createdAt} show="relative" className="text-xs" />
            </TableCell>
            <TableCell className="max-w-[22rem] whitespace-normal font-mono text-xs">
              <div className="break-all">{actionName(d)}</div>
              {[d.resource, d.sensitivity, d.destination].some(Boolean) ? (
                <div className="break-all text-muted-foreground">{[d.resource, d.sensitivity, d.destination].filter(Boolean).join(" · ")}</div>
              ) : null}
            </TableCell>
            <TableCell>
              <OutcomeBadge outcome={d.outcome} />
              {d.escalationId === escalationId ? <span className="ml-1 text-xs text-muted-foreground">this request</span> : null}
            </TableCell>
            <TableCell className="whitespace-normal font-mono text-xs text-muted-foreground">{d.reasons.map((r) => r.code).join(", ") || "—"}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Who voted, how, with what scope and why. */
export function VoteList({ votes }: { votes: EscalationView["votes"] }) {
  if (!votes.length) return <p className="text-sm text-muted-foreground">No votes yet.</p>;
  return (
    <ol className="space-y-3 text-sm" aria-label="Votes">
      {votes.map((v) => (
        <li key={v.userId} className="grid gap-0.5">
          <div className="flex flex-wrap items-center gap-2">
            <Badge variant={v.vote === "approve" ? "success" : "destructive"}>{v.vote === "approve" ? "approved" : "denied"}</Badge>
            <span className="font-medium">{v.name}</span>
            <span className="text-xs text-muted-foreground">{v.email}</span>
          </div>
          <div className="text-xs text-muted-foreground">
            <Time value={v.createdAt} />
            {v.scope ? <> · {SCOPE_OPTIONS[v.scope]?.label ?? v.scope}</> : null}
          </div>
          <p className="whitespace-pre-wrap break-words">{v.reason}</p>
        </li>
      ))}
    </ol>
  );
}

/** What the approval released: how far it reaches and whether it has been used. */
export function GrantFacts({ grant }: { grant: NonNullable<EscalationView["grant"]> }) {
  return (
    <DetailList
      className="grid-cols-[5.5rem_1fr]"
      items={[
        { label: "Allows", value: SCOPE_OPTIONS[grant.scope]?.label ?? grant.scope },
        { label: "Uses left", value: grant.usesLeft === null ? "unlimited until it expires" : String(grant.usesLeft) },
        { label: "Expires", value: <Time value={grant.expiresAt} /> },
        { label: "Used", value: grant.consumedAt ? <Time value={grant.consumedAt} /> : "not yet" },
        { label: "Grant id", value: grant.id, mono: true },
      ]}
    />
  );
}

/** Link to the session the request belongs to. */
export function SessionLink({ session }: { session: NonNullable<EscalationView["session"]> }) {
  return (
    <Link className="hover:underline" href={`/sessions/${session.id}`}>
      {session.goal}
    </Link>
  );
}
