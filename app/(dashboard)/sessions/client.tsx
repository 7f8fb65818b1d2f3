"use client";

import Link from "next/link";
import { DateRangeNote } from "@/components/data-table/date-range-note";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { ListView } from "@/components/data-table/list-view";
import { SortableHead } from "@/components/data-table/sortable-head";
import { SessionStatusBadge } from "@/components/sessions/session-status-badge";
import { Time } from "@/components/time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { SessionRow } from "@/lib/db/queries/sessions";

const STATUS = optionsOf(["active", "pending", "ended", "expired", "denied"]);

export function SessionsClient({ initial, agents }: { initial: InitialPage<SessionRow>; agents: { id: string; name: string }[] }) {
  // Pushed: the list refetches when sessions change anywhere (polls every 5 s if the stream drops).
  const q = useListQuery<SessionRow>("sessions", initial, { live: true });
  return (
    <div className="space-y-3">
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
          { param: "since", label: "Started", options: [{ value: "1h", label: "Last hour" }, { value: "24h", label: "Last 24 hours" }, { value: "7d", label: "Last 7 days" }, { value: "30d", label: "Last 30 days" }], allLabel: "Any time" },
        ]}
      />
      <DateRangeNote label="Started" />
      <DateRangeNote label="Calls outside intent" fromParam="driftFrom" toParam="driftTo" />
      <ListView
        query={q}
        columns={6}
        errorMessage="Sessions could not be loaded."
        emptyTitle="No sessions match"
        emptyDescription="Agents open a session for each task; none match these filters."
        markBusy={false}
      >
        {(data) => (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Goal</TableHead>
                <TableHead>Agent</TableHead>
                <TableHead>Status</TableHead>
                <SortableHead column="decisionCount" firstDir="desc" align="right">Calls</SortableHead>
                <SortableHead column="denyCount" firstDir="desc" align="right">Denied</SortableHead>
                <SortableHead column="startedAt" isDefault defaultDir="desc" firstDir="desc">Started</SortableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.items.map((s) => (
                <TableRow key={s.id}>
                  <TableCell className="max-w-[28rem] truncate" title={s.goal}>
                    <Link className="hover:underline" href={`/sessions/${s.id}`}>
                      {s.goal}
                    </Link>
                    {s.parentSessionId ? <span className="ml-2 text-xs text-muted-foreground">delegated</span> : null}
                  </TableCell>
                  <TableCell>
                    <Link className="hover:underline" href={`/agents/${s.agentId}`}>
                      {s.agentName}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <SessionStatusBadge status={s.status} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{s.decisionCount}</TableCell>
                  <TableCell className={s.denyCount ? "text-right tabular-nums text-destructive" : "text-right tabular-nums"}>{s.denyCount}</TableCell>
                  <TableCell>
                    <Time value={s.startedAt} />
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
