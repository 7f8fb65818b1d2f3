"use client";

import { Hand } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { RiskBadge } from "@/components/agents/badges";
import { DateRangeNote } from "@/components/data-table/date-range-note";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { ListView } from "@/components/data-table/list-view";
import { approvalsLabel, reasonCodes } from "@/components/escalations/ask";
import { AskSummary, DiffCompact } from "@/components/escalations/ask-parts";
import { EscalationStatusBadge } from "@/components/escalations/badges";
import { Time } from "@/components/time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { EscalationRow } from "@/lib/db/queries/escalations";
import { cn } from "@/lib/utils";

// "Pending" is the unfiltered default (the queue), so it is the option that clears the filter.
const STATUS = optionsOf(["approved", "denied", "expired", "all"], (s) => (s === "all" ? "All" : s[0].toUpperCase() + s.slice(1)));
const RISK = optionsOf(["high", "medium", "low"]);
const KIND = [
  { value: "action", label: "Tool call" },
  { value: "intent_change", label: "Intent change" },
  { value: "session_open", label: "Session open" },
];
// "Why" holds the fields outside the intent (declared → asked) and the policy's reason codes.
const HEADERS = ["Waiting", "Agent", "Risk", "Asked", "Why", "Approvals", "Expires", "Status"];

export function EscalationsClient({ initial, agents }: { initial: InitialPage<EscalationRow>; agents: { id: string; name: string }[] }) {
  // Pushed: a new escalation, a vote or an expiry anywhere refetches the page (polls if the stream drops).
  const q = useListQuery<EscalationRow>("escalations", initial, { live: true });
  const sp = useSearchParams();
  const filtered = ["status", "risk", "kind", "agentId", "q", "from", "to"].some((p) => sp.get(p));
  return (
    <div className="space-y-3">
      <FilterBar
        alsoClears={["from", "to"]}
        searchLabel="Search escalations"
        searchPlaceholder="Agent or goal"
        filters={[
          { param: "status", label: "Status", options: STATUS, allLabel: "Pending" },
          { param: "risk", label: "Risk", options: RISK, allLabel: "Any risk" },
          { param: "kind", label: "Kind", options: KIND, allLabel: "Any kind" },
          { param: "agentId", label: "Agent", options: agents.map((a) => ({ value: a.id, label: a.name })), allLabel: "Any agent" },
        ]}
      />
      <DateRangeNote label="Raised" />
      <ListView
        query={q}
        columns={HEADERS}
        errorMessage="Escalations could not be loaded."
        emptyIcon={<Hand />}
        emptyTitle={filtered ? "No escalations match" : "No pending escalations"}
        emptyDescription={
          filtered
            ? "None match these filters."
            : "When a call or an intent needs a person, it waits here; this page shows it as soon as it is asked."
        }
        markBusy={false}
      >
        {(data) => (
          <Table aria-label="Escalations">
            <TableHeader>
              <TableRow>
                {HEADERS.map((h) => (
                  <TableHead key={h} className={h === "Approvals" ? "text-right" : undefined}>
                    {h}
                  </TableHead>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.items.map((e) => (
                <TableRow key={e.id} data-status={e.status} data-risk={e.risk}>
                  {/* On the cell, not the row: the table body strips the last row's borders. */}
                  <TableCell className={cn(e.status === "pending" && e.risk === "high" && "border-l-4 border-l-destructive")}>
                    <Time value={e.createdAt} show="relative" className="text-xs" />
                  </TableCell>
                  <TableCell>
                    <Link className="hover:underline" href={`/agents/${e.agent.id}`}>
                      {e.agent.name}
                    </Link>
                    <div className="text-xs text-muted-foreground">{e.agent.team}</div>
                  </TableCell>
                  <TableCell>
                    <RiskBadge tier={e.risk} />
                  </TableCell>
                  <TableCell className="max-w-[18rem] whitespace-normal">
                    <Link className="hover:underline" href={`/escalations/${e.id}`}>
                      <AskSummary kind={e.kind} action={e.action} goal={e.sessionGoal} />
                    </Link>
                  </TableCell>
                  <TableCell className="max-w-[17rem] whitespace-normal">
                    {e.diff?.length ? <DiffCompact diff={e.diff} /> : null}
                    <div className="break-words font-mono text-xs text-muted-foreground" title={e.reasons.map((r) => r.message).join("\n")}>
                      {reasonCodes(e.reasons).join(", ") || "—"}
                    </div>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{approvalsLabel(e.approvals, e.requiredApprovals)}</TableCell>
                  <TableCell>
                    {e.status === "pending" ? (
                      <Time value={e.expiresAt} show="relative" className="text-xs" />
                    ) : (
                      <span className="text-xs text-muted-foreground">
                        {e.status === "expired" ? "expired" : "answered"} <Time value={e.resolvedAt ?? e.expiresAt} show="relative" />
                      </span>
                    )}
                  </TableCell>
                  <TableCell>
                    <EscalationStatusBadge status={e.status} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </ListView>
    </div>
  );
}
