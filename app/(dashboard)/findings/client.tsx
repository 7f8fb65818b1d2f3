"use client";

import Link from "next/link";
import { useMemo } from "react";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { DateRangeNote } from "@/components/data-table/date-range-note";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { FindingActions } from "@/components/findings/finding-actions";
import { SeverityBadge } from "@/components/findings/severity-badge";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { FindingRow } from "@/lib/db/queries/findings";
import { findingFixes, type FindingFix } from "@/lib/domain/findings";

const STATUS = [
  { value: "open", label: "Open" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "All" },
];
const SEVERITY = optionsOf(["critical", "high", "medium", "low", "info"]);
const label = (kind: string) => kind.replaceAll("_", " ");

// Where the fix is one step (retire, rotate, assign an owner); the page there checks the role.
function FixLinks({ fixes }: { fixes: FindingFix[] }) {
  if (!fixes.length) return null;
  return (
    <div className="text-xs">
      Fix:{" "}
      {fixes.map((x, i) => (
        <span key={x.action}>
          {i ? " · " : null}
          <Link className="text-primary underline-offset-2 hover:underline" href={x.href}>
            {x.label}
          </Link>
        </span>
      ))}
    </div>
  );
}

function Finding({ f }: { f: FindingRow }) {
  return (
    <>
      <div>{f.title}</div>
      <div className="text-xs text-muted-foreground">
        {label(f.kind)}
        {f.frameworkRefs.length ? <> · {f.frameworkRefs.join(", ")}</> : null}
        {f.sessionId ? (
          <>
            {" · "}
            <Link className="hover:underline" href={`/sessions/${f.sessionId}`}>
              session
            </Link>
          </>
        ) : null}
        {f.credentialId ? (
          <>
            {" · "}
            <Link className="hover:underline" href={`/credentials/${f.credentialId}`}>
              credential
            </Link>
          </>
        ) : null}
      </div>
      {f.status !== "resolved" ? <FixLinks fixes={findingFixes(f.fix)} /> : null}
      {f.resolutionNote ? <div className="text-xs">Note: {f.resolutionNote}</div> : null}
    </>
  );
}

function columns(canManage: boolean, people: { id: string; name: string }[]): Columns<FindingRow> {
  return [
    { id: "severity", header: "Severity", meta: { sortKey: "severity", firstDir: "desc" }, cell: ({ row }) => <SeverityBadge severity={row.original.severity} /> },
    { id: "finding", header: "Finding", meta: { className: "max-w-[32rem] whitespace-normal" }, cell: ({ row }) => <Finding f={row.original} /> },
    {
      id: "agent",
      header: "Agent",
      cell: ({ row: { original: f } }) =>
        f.agentId ? (
          <Link className="hover:underline" href={`/agents/${f.agentId}`}>
            {f.agentName}
          </Link>
        ) : (
          "—"
        ),
    },
    {
      id: "status",
      header: "Status",
      cell: ({ row: { original: f } }) => (
        <>
          <Badge variant={f.status === "open" ? "warning" : f.status === "resolved" ? "success" : "info"}>{f.status}</Badge>
          {f.assigneeName ? <div className="text-xs text-muted-foreground">→ {f.assigneeName}</div> : null}
        </>
      ),
    },
    {
      id: "occurrences",
      header: "Seen",
      meta: { sortKey: "occurrences", firstDir: "desc", align: "right", className: "tabular-nums" },
      cell: ({ row }) => row.original.occurrences,
    },
    {
      id: "lastSeenAt",
      header: "Last seen",
      meta: { sortKey: "lastSeenAt", defaultDir: "desc", firstDir: "desc" },
      cell: ({ row }) => <Time value={row.original.lastSeenAt} />,
    },
    {
      id: "actions",
      header: "Actions",
      meta: { headClassName: canManage ? undefined : "sr-only" },
      cell: ({ row: { original: f } }) =>
        canManage ? <FindingActions id={f.id} title={f.title} status={f.status} assigneeId={f.assigneeId} people={people} /> : null,
    },
  ];
}

export function FindingsClient({ initial, kinds, people, canManage }: { initial: InitialPage<FindingRow>; kinds: string[]; people: { id: string; name: string }[]; canManage: boolean }) {
  const q = useListQuery<FindingRow>("findings", initial, { live: true });
  const cols = useMemo(() => columns(canManage, people), [canManage, people]);
  return (
    <div className="space-y-3">
      <DataTable
        query={q}
        columns={cols}
        rowProps={(f) => ({ "data-severity": f.severity })}
        errorMessage="Findings could not be loaded."
        empty={{ title: "No findings match", description: "Detectors raise findings as they see risky behaviour or standing privilege; none match these filters." }}
        markBusy={false}
        toolbar={
          <>
            <FilterBar
              alsoClears={["from", "to"]}
              searchLabel="Search findings"
              searchPlaceholder="Title or kind"
              filters={[
                { param: "status", label: "Status", options: STATUS, allLabel: "Needs attention" },
                { param: "severity", label: "Severity", options: SEVERITY, allLabel: "Any severity" },
                { param: "kind", label: "Kind", options: kinds.map((k) => ({ value: k, label: label(k) })), allLabel: "Any kind" },
              ]}
            />
            <DateRangeNote label="First seen" />
          </>
        }
      />
    </div>
  );
}
