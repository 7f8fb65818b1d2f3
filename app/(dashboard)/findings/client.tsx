"use client";

import Link from "next/link";
import { DateRangeNote } from "@/components/data-table/date-range-note";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { ListView } from "@/components/data-table/list-view";
import { SortableHead } from "@/components/data-table/sortable-head";
import { FindingActions } from "@/components/findings/finding-actions";
import { SeverityBadge } from "@/components/findings/severity-badge";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { FindingRow } from "@/lib/db/queries/findings";

const STATUS = [
  { value: "open", label: "Open" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "All" },
];
const SEVERITY = optionsOf(["critical", "high", "medium", "low", "info"]);
const label = (kind: string) => kind.replaceAll("_", " ");

export function FindingsClient({ initial, kinds, people, canManage }: { initial: InitialPage<FindingRow>; kinds: string[]; people: { id: string; name: string }[]; canManage: boolean }) {
  const q = useListQuery<FindingRow>("findings", initial, { live: true });
  return (
    <div className="space-y-3">
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
      <ListView
        query={q}
        columns={7}
        errorMessage="Findings could not be loaded."
        emptyTitle="No findings match"
        emptyDescription="Detectors raise findings as they see risky behaviour or standing privilege; none match these filters."
        markBusy={false}
      >
        {(data) => (
          <Table>
            <TableHeader>
              <TableRow>
                <SortableHead column="severity" firstDir="desc">Severity</SortableHead>
                <TableHead>Finding</TableHead>
                <TableHead>Agent</TableHead>
                <TableHead>Status</TableHead>
                <SortableHead column="occurrences" firstDir="desc" align="right">Seen</SortableHead>
                <SortableHead column="lastSeenAt" isDefault defaultDir="desc" firstDir="desc">Last seen</SortableHead>
                <TableHead className={canManage ? undefined : "sr-only"}>Actions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.items.map((f) => (
                <TableRow key={f.id} data-severity={f.severity}>
                  <TableCell>
                    <SeverityBadge severity={f.severity} />
                  </TableCell>
                  <TableCell className="max-w-[32rem] whitespace-normal">
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
                    {f.resolutionNote ? <div className="text-xs">Note: {f.resolutionNote}</div> : null}
                  </TableCell>
                  <TableCell>
                    {f.agentId ? (
                      <Link className="hover:underline" href={`/agents/${f.agentId}`}>
                        {f.agentName}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </TableCell>
                  <TableCell>
                    <Badge variant={f.status === "open" ? "warning" : f.status === "resolved" ? "success" : "info"}>{f.status}</Badge>
                    {f.assigneeName ? <div className="text-xs text-muted-foreground">→ {f.assigneeName}</div> : null}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{f.occurrences}</TableCell>
                  <TableCell>
                    <Time value={f.lastSeenAt} />
                  </TableCell>
                  <TableCell>{canManage ? <FindingActions id={f.id} title={f.title} status={f.status} assigneeId={f.assigneeId} people={people} /> : null}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </ListView>
    </div>
  );
}
