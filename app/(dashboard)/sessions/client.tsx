"use client";

import Link from "next/link";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { DateRangeNote } from "@/components/data-table/date-range-note";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { SessionStatusBadge } from "@/components/sessions/session-status-badge";
import { Time } from "@/components/time";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { SessionRow } from "@/lib/db/queries/sessions";

const STATUS = optionsOf(["active", "pending", "ended", "expired", "denied"]);
const SINCE = [
  { value: "1h", label: "Last hour" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
];

const COLUMNS: Columns<SessionRow> = [
  {
    id: "goal",
    header: "Goal",
    meta: { className: "max-w-[28rem] truncate", cellProps: (s) => ({ title: s.goal }) },
    cell: ({ row: { original: s } }) => (
      <>
        <Link className="hover:underline" href={`/sessions/${s.id}`}>
          {s.goal}
        </Link>
        {s.parentSessionId ? <span className="ml-2 text-xs text-muted-foreground">delegated</span> : null}
      </>
    ),
  },
  {
    id: "agent",
    header: "Agent",
    cell: ({ row: { original: s } }) => (
      <Link className="hover:underline" href={`/agents/${s.agentId}`}>
        {s.agentName}
      </Link>
    ),
  },
  { id: "status", header: "Status", cell: ({ row }) => <SessionStatusBadge status={row.original.status} /> },
  {
    id: "decisionCount",
    header: "Calls",
    meta: { sortKey: "decisionCount", firstDir: "desc", align: "right", className: "tabular-nums" },
    cell: ({ row }) => row.original.decisionCount,
  },
  {
    id: "denyCount",
    header: "Denied",
    meta: { sortKey: "denyCount", firstDir: "desc", align: "right", className: "tabular-nums", cellProps: (s) => ({ className: s.denyCount ? "text-destructive" : undefined }) },
    cell: ({ row }) => row.original.denyCount,
  },
  {
    id: "startedAt",
    header: "Started",
    meta: { sortKey: "startedAt", defaultDir: "desc", firstDir: "desc" },
    cell: ({ row }) => <Time value={row.original.startedAt} />,
  },
];

export function SessionsClient({ initial, agents }: { initial: InitialPage<SessionRow>; agents: { id: string; name: string }[] }) {
  // Pushed: the list refetches when sessions change anywhere (polls every 5 s if the stream drops).
  const q = useListQuery<SessionRow>("sessions", initial, { live: true });
  return (
    <div className="space-y-3">
      <DataTable
        query={q}
        columns={COLUMNS}
        errorMessage="Sessions could not be loaded."
        empty={{ title: "No sessions match", description: "Agents open a session for each task; none match these filters." }}
        markBusy={false}
        toolbar={
          <>
            <FilterBar
              alsoClears={["from", "to", "driftFrom", "driftTo"]}
              searchLabel="Search sessions"
              searchPlaceholder="Goal or agent"
              filters={[
                { param: "agentId", label: "Agent", options: agents.map((a) => ({ value: a.id, label: a.name })), allLabel: "Any agent" },
                { param: "status", label: "Status", options: STATUS },
                { param: "hasDenials", label: "Denials", options: [{ value: "true", label: "Has denials" }], allLabel: "Any" },
                { param: "hasEscalation", label: "Escalations", options: [{ value: "open", label: "Has an open escalation" }], allLabel: "Any" },
                { param: "hasDrift", label: "Drift", options: [{ value: "true", label: "Has out-of-intent calls" }], allLabel: "Any" },
                { param: "since", label: "Started", options: SINCE, allLabel: "Any time" },
              ]}
            />
            <DateRangeNote label="Started" />
            <DateRangeNote label="Calls outside intent" fromParam="driftFrom" toParam="driftTo" />
          </>
        }
      />
    </div>
  );
}
