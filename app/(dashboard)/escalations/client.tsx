"use client";

import { Hand } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { RiskBadge } from "@/components/agents/badges";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { DateRangeNote } from "@/components/data-table/date-range-note";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { approvalsLabel, reasonCodes } from "@/components/escalations/ask";
import { AskSummary, DiffCompact } from "@/components/escalations/ask-parts";
import { EscalationStatusBadge } from "@/components/escalations/badges";
import { Time } from "@/components/time";
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
const COLUMNS: Columns<EscalationRow> = [
  {
    id: "waiting",
    header: "Waiting",
    // On the cell, not the row: the table body strips the last row's borders.
    meta: { cellProps: (e) => ({ className: cn(e.status === "pending" && e.risk === "high" && "border-l-4 border-l-destructive") || undefined }) },
    cell: ({ row }) => <Time value={row.original.createdAt} show="relative" className="text-xs" />,
  },
  {
    id: "agent",
    header: "Agent",
    cell: ({ row: { original: e } }) => (
      <>
        <Link className="hover:underline" href={`/agents/${e.agent.id}`}>
          {e.agent.name}
        </Link>
        <div className="text-xs text-muted-foreground">{e.agent.team}</div>
      </>
    ),
  },
  { id: "risk", header: "Risk", cell: ({ row }) => <RiskBadge tier={row.original.risk} /> },
  {
    id: "asked",
    header: "Asked",
    meta: { className: "max-w-[18rem] whitespace-normal" },
    cell: ({ row: { original: e } }) => (
      <Link className="hover:underline" href={`/escalations/${e.id}`}>
        <AskSummary kind={e.kind} action={e.action} goal={e.sessionGoal} />
      </Link>
    ),
  },
  {
    id: "why",
    header: "Why",
    meta: { className: "max-w-[17rem] whitespace-normal" },
    cell: ({ row: { original: e } }) => (
      <>
        {e.diff?.length ? <DiffCompact diff={e.diff} /> : null}
        <div className="break-words font-mono text-xs text-muted-foreground" title={e.reasons.map((r) => r.message).join("\n")}>
          {reasonCodes(e.reasons).join(", ") || "—"}
        </div>
      </>
    ),
  },
  {
    id: "approvals",
    header: "Approvals",
    meta: { align: "right", className: "tabular-nums" },
    cell: ({ row: { original: e } }) => approvalsLabel(e.approvals, e.requiredApprovals),
  },
  {
    id: "expires",
    header: "Expires",
    cell: ({ row: { original: e } }) =>
      e.status === "pending" ? (
        <Time value={e.expiresAt} show="relative" className="text-xs" />
      ) : (
        <span className="text-xs text-muted-foreground">
          {e.status === "expired" ? "expired" : "answered"} <Time value={e.resolvedAt ?? e.expiresAt} show="relative" />
        </span>
      ),
  },
  { id: "status", header: "Status", cell: ({ row }) => <EscalationStatusBadge status={row.original.status} /> },
];

export function EscalationsClient({ initial, agents }: { initial: InitialPage<EscalationRow>; agents: { id: string; name: string }[] }) {
  // Pushed: a new escalation, a vote or an expiry anywhere refetches the page (polls if the stream drops).
  const q = useListQuery<EscalationRow>("escalations", initial, { live: true });
  const sp = useSearchParams();
  const filtered = ["status", "risk", "kind", "agentId", "q", "from", "to"].some((p) => sp.get(p));
  return (
    <div className="space-y-3">
      <DataTable
        query={q}
        columns={COLUMNS}
        label="Escalations"
        rowProps={(e) => ({ "data-status": e.status, "data-risk": e.risk })}
        errorMessage="Escalations could not be loaded."
        empty={{
          icon: <Hand />,
          title: filtered ? "No escalations match" : "No pending escalations",
          description: filtered
            ? "None match these filters."
            : "When a call or an intent needs a person, it waits here; this page shows it as soon as it is asked.",
        }}
        markBusy={false}
        toolbar={
          <>
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
          </>
        }
      />
    </div>
  );
}
