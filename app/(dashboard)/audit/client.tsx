"use client";

import { useMutation } from "@tanstack/react-query";
import { ChevronLeft, ChevronRight, ChevronsLeft, Download, LoaderCircle, ShieldCheck, X } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { AuditFilters, RANGE_PARAM, type Option } from "@/components/audit/audit-filters";
import { EvidenceBundleLink } from "@/components/audit/evidence-bundle-link";
import { PAGE_PARAM, PAGE_SIZE_PARAM, readPaging } from "@/components/data-table/list-params";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { PageButton, PageSizeSelect, Pagination } from "@/components/data-table/pagination";
import { useUrlState } from "@/components/data-table/use-url-state";
import { Time } from "@/components/time";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { VerifyResponse } from "@/app/api/v1/audit/verify/route";
import { api } from "@/lib/client/api";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { AuditPage, AuditRow } from "@/lib/db/queries/audit";
import { shortId } from "@/lib/utils";
import { formatCount, formatDuration } from "@/lib/format";
import { EventProof } from "./event-proof";

// Filters that arrive by link (or from the verify result) rather than from the filter bar; an
// actor or agent the pickers already show is not repeated here.
const SCOPES = [
  { param: "actorId", label: "Actor" },
  { param: "agentId", label: "Agent" },
  { param: "sessionId", label: "Session" },
  { param: "seq", label: "Event #" },
  { param: "toSeq", label: "Up to event #" },
] as const;
const TARGET_PAGES: Record<string, string> = { agent: "/agents", session: "/sessions", credential: "/credentials", connector: "/connectors" };
const PROBLEMS: Record<string, string> = {
  hash_mismatch: "its contents no longer match its hash: the event was changed after it was written",
  prev_hash_mismatch: "it does not link to the event before it: an event was removed, inserted or reordered",
};

export function AuditClient({ initial, people, agents }: { initial: InitialPage<AuditRow>; people: Option[]; agents: Option[] }) {
  const q = useListQuery<AuditRow>("audit", initial);
  const [open, setOpen] = useState<AuditRow | null>(null);
  const [brokenSeq, setBrokenSeq] = useState<number | null>(null);
  const { setParams } = useUrlState();
  const columns = useMemo<Columns<AuditRow>>(
    () => [
      {
        id: "event",
        header: "Event",
        meta: { className: "whitespace-nowrap" },
        cell: ({ row: { original: e } }) => (
          <>
            <Button variant="link" size="sm" className="font-mono tabular-nums" onClick={() => setOpen(e)}>
              <span className="sr-only">Details of event </span>#{e.seq}
            </Button>
            {e.seq === brokenSeq ? (
              <Badge variant="destructive" className="ml-2">
                broken
              </Badge>
            ) : null}
          </>
        ),
      },
      { id: "time", header: "Time", cell: ({ row }) => <Time value={row.original.occurredAt} /> },
      {
        id: "actor",
        header: "Actor",
        meta: { className: "max-w-[18rem]" },
        cell: ({ row }) => <Actor row={row.original} onFilter={(actorId) => setParams({ actorId })} />,
      },
      { id: "action", header: "Action", meta: { className: "font-mono text-xs whitespace-nowrap" }, cell: ({ row }) => row.original.action },
      { id: "target", header: "Target", cell: ({ row }) => <Target kind={row.original.targetKind} id={row.original.targetId} /> },
      { id: "hash", header: "Hash", meta: { className: "font-mono text-xs", cellProps: (e) => ({ title: e.hash }) }, cell: ({ row }) => row.original.hash.slice(0, 12) },
    ],
    [brokenSeq, setParams],
  );

  return (
    <div className="space-y-3">
      <DataTable<AuditRow, AuditPage>
        query={q as typeof q & { data: AuditPage | undefined }}
        columns={columns}
        getRowId={(e) => String(e.seq)}
        rowProps={(e) => (e.seq === brokenSeq ? { "data-state": "selected", className: "bg-destructive/10" } : {})}
        errorMessage="The audit trail could not be loaded."
        empty={{ title: "No events match", description: "Every decision and every change people make is recorded here; none match these filters." }}
        // A capped count is not a page count: past the cap the pager says "10,000+" and seeks by seq.
        pager={(page) => (page.totalCapped ? <CappedPager atLeast={page.total} rows={page.items} /> : <Pagination total={page.total} />)}
        toolbar={
          <>
            <VerifyPanel onBroken={setBrokenSeq} />
            <AuditFilters people={people} agents={agents} />
            <ScopeChips shown={{ actorId: people, agentId: agents }} />
            <ExportLinks />
          </>
        }
      />
      <EventDialog row={open} onClose={() => setOpen(null)} />
    </div>
  );
}

function Actor({ row, onFilter }: { row: AuditRow; onFilter: (actorId: string) => void }) {
  const variant = row.actorKind === "person" ? "info" : row.actorKind === "agent" ? "secondary" : "muted";
  return (
    <span className="flex min-w-0 items-center gap-1.5">
      <Badge variant={variant}>{row.actorKind}</Badge>
      {row.actorId ? (
        <button
          type="button"
          className="truncate text-left hover:underline"
          title={`Show only events by ${row.actorLabel}`}
          onClick={() => onFilter(row.actorId!)}
        >
          {row.actorLabel}
        </button>
      ) : (
        <span className="truncate">{row.actorLabel}</span>
      )}
    </span>
  );
}

function Target({ kind, id }: { kind: string | null; id: string | null }) {
  if (!kind || !id) return <span className="text-muted-foreground">—</span>;
  const base = TARGET_PAGES[kind];
  return (
    <span className="flex items-center gap-1.5 whitespace-nowrap">
      <span className="text-muted-foreground">{kind}</span>
      {base ? (
        <Link className="font-mono text-xs hover:underline" href={`${base}/${id}`} title={id}>
          {shortId(id)}
        </Link>
      ) : (
        <span className="font-mono text-xs" title={id}>
          {shortId(id)}
        </span>
      )}
    </span>
  );
}

/** The link-borne filters, each with its own clear button. */
function ScopeChips({ shown }: { shown: Partial<Record<(typeof SCOPES)[number]["param"], Option[]>> }) {
  const { get, setParams } = useUrlState();
  const active = SCOPES.filter((s) => get(s.param) && !shown[s.param]?.some((o) => o.id === get(s.param)));
  if (active.length === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-muted-foreground">Showing only</span>
      {active.map((s) => (
        <span key={s.param} className="inline-flex items-center gap-1 rounded-md border px-2 py-0.5">
          <span className="text-muted-foreground">{s.label}</span>
          <span className="max-w-[16rem] truncate font-mono text-xs" title={get(s.param) ?? undefined}>
            {get(s.param)}
          </span>
          <button type="button" className="rounded-sm p-0.5 hover:bg-accent" aria-label={`Remove the ${s.label} filter`} onClick={() => setParams({ [s.param]: null })}>
            <X aria-hidden="true" className="size-3" />
          </button>
        </span>
      ))}
    </div>
  );
}

/**
 * Downloads of every event matching the filters on screen (not just this page), oldest first,
 * streamed by /api/v1/audit/export. Plain links: the browser streams the file to disk.
 */
function ExportLinks() {
  const { committed } = useUrlState();
  const href = (format: "csv" | "json") => {
    const p = new URLSearchParams(committed);
    for (const k of [PAGE_PARAM, PAGE_SIZE_PARAM, RANGE_PARAM]) p.delete(k);
    p.set("format", format);
    return `/api/v1/audit/export?${p}`;
  };
  return (
    <section aria-label="Export" className="flex flex-wrap items-center gap-2">
      {(["csv", "json"] as const).map((format) => (
        <Button key={format} asChild variant="outline" size="sm">
          <a href={href(format)} download>
            <Download aria-hidden="true" />
            Export {format.toUpperCase()}
          </a>
        </Button>
      ))}
      <EvidenceBundleLink from={committed.get("from")} to={committed.get("to")} />
      <p className="text-xs text-muted-foreground">
        Every event matching these filters, oldest first, up to the newest event when the export starts. The last line (in JSON, the{" "}
        <code>sha256</code> member) holds a SHA-256 of everything above it; a file without it was cut short.
      </p>
    </section>
  );
}

/** Paging for a capped count: "of 10,000+", and past the counted window a seek by seq instead of deeper pages. */
function CappedPager({ atLeast, rows }: { atLeast: number; rows: AuditRow[] }) {
  const { searchParams, setParams } = useUrlState();
  const { page, pageSize } = readPaging(searchParams);
  const from = (page - 1) * pageSize + 1;
  const atWindowEnd = page * pageSize >= atLeast;
  const oldest = rows[rows.length - 1]?.seq;
  const goTo = (p: number) => setParams({ [PAGE_PARAM]: p <= 1 ? null : p });
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 py-2">
      <p role="status" className="tabular text-sm text-muted-foreground">
        Showing <span className="font-medium text-foreground">{formatCount(from)}</span>–
        <span className="font-medium text-foreground">{formatCount(from + rows.length - 1)}</span> of{" "}
        <span className="font-medium text-foreground">{formatCount(atLeast)}+</span>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <PageSizeSelect pageSize={pageSize} />
        <div className="flex items-center gap-1">
          <PageButton label="First page" disabled={page <= 1} onClick={() => goTo(1)}>
            <ChevronsLeft aria-hidden="true" />
          </PageButton>
          <PageButton label="Previous page" disabled={page <= 1} onClick={() => goTo(page - 1)}>
            <ChevronLeft aria-hidden="true" />
          </PageButton>
          {atWindowEnd && oldest && oldest > 1 ? (
            // Deep offsets scan everything they skip; continue from the oldest seq shown instead.
            <Button variant="outline" size="sm" onClick={() => setParams({ toSeq: oldest - 1 }, { resetPage: true })}>
              Older than #{oldest}
              <ChevronRight aria-hidden="true" />
            </Button>
          ) : (
            <PageButton label="Next page" disabled={rows.length < pageSize} onClick={() => goTo(page + 1)}>
              <ChevronRight aria-hidden="true" />
            </PageButton>
          )}
        </div>
      </div>
    </nav>
  );
}

function VerifyPanel({ onBroken }: { onBroken: (seq: number | null) => void }) {
  const verify = useMutation({
    mutationFn: () => api<VerifyResponse>("/api/v1/audit/verify", { method: "POST" }),
    onSuccess: (r) => onBroken(r.ok ? null : r.break.seq),
  });
  const elapsed = useElapsed(verify.isPending);
  const r = verify.data;
  return (
    <section aria-label="Chain verification" className="space-y-2">
      <div className="flex flex-wrap items-center gap-3">
        <Button size="sm" onClick={() => verify.mutate()} disabled={verify.isPending}>
          {verify.isPending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : <ShieldCheck aria-hidden="true" />}
          {verify.isPending ? "Verifying…" : "Verify chain"}
        </Button>
        <p role="status" aria-live="polite" className="text-sm text-muted-foreground">
          {verify.isPending
            ? `Recomputing the hash of every event, oldest first… ${elapsed} s`
            : r
              ? `Checked in ${formatDuration(r.durationMs)}.`
              : "Recomputes every event's hash from the first one and stops at the first broken link."}
        </p>
      </div>
      {verify.isError ? (
        <Alert variant="destructive">
          <AlertTitle>The chain could not be verified</AlertTitle>
          <AlertDescription>{verify.error.message}</AlertDescription>
        </Alert>
      ) : r?.ok ? (
        <Alert variant="success">
          <AlertTitle>
            Chain intact — {formatCount(r.events)} events, head <span className="font-mono text-xs break-all">{r.head}</span>
          </AlertTitle>
          <AlertDescription>Every event matches its hash and links to the event before it.</AlertDescription>
        </Alert>
      ) : r && !r.ok ? (
        <Alert variant="destructive">
          <AlertTitle>
            Broken at event #{r.break.seq} (<span className="font-mono text-xs">{r.break.id}</span>) — {r.break.problem}
          </AlertTitle>
          <AlertDescription>
            <p>
              Event #{r.break.seq}: {PROBLEMS[r.break.problem] ?? r.break.problem}. Every event before it verifies; nothing from it on can be trusted.{" "}
              <Link className="font-medium underline underline-offset-4" href={`/audit?toSeq=${r.break.seq}`}>
                Show event #{r.break.seq} and the events before it
              </Link>
            </p>
          </AlertDescription>
        </Alert>
      ) : null}
    </section>
  );
}

function EventDialog({ row, onClose }: { row: AuditRow | null; onClose: () => void }) {
  // Links in the dialog change the list's filters on this same page: close it as they do.
  return (
    <Dialog open={row !== null} onOpenChange={(o) => !o && onClose()}>
      <DialogContent className="max-w-2xl">
        {row ? (
          <>
            <DialogHeader>
              <DialogTitle>
                Event #{row.seq} · <span className="font-mono text-sm">{row.action}</span>
              </DialogTitle>
              <DialogDescription>
                <Time value={row.occurredAt} /> by {row.actorLabel} ({row.actorKind})
              </DialogDescription>
            </DialogHeader>
            <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1.5 text-sm">
              <Field label="Event id" value={row.id} />
              <Field label="Actor id" value={row.actorId} />
              <dt className="text-muted-foreground">Target</dt>
              <dd>
                <Target kind={row.targetKind} id={row.targetId} />
              </dd>
              <Field label="Agent" value={row.agentId} href={row.agentId ? `/audit?agentId=${row.agentId}` : undefined} onNavigate={onClose} />
              <Field label="Session" value={row.sessionId} href={row.sessionId ? `/audit?sessionId=${row.sessionId}` : undefined} onNavigate={onClose} />
              <Field label="Request id" value={row.requestId} />
              <Field label="IP" value={row.ip} />
              <Field label="Previous hash" value={row.prevHash} />
              <Field label="Hash" value={row.hash} />
            </dl>
            <div className="space-y-1">
              <h3 className="text-sm font-medium">Detail</h3>
              <pre className="max-h-80 overflow-auto rounded-md border bg-muted/40 p-3 font-mono text-xs">{JSON.stringify(row.detail, null, 2)}</pre>
            </div>
            <EventProof key={row.id} eventId={row.id} />
          </>
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

function Field({ label, value, href, onNavigate }: { label: string; value: string | null; href?: string; onNavigate?: () => void }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 font-mono text-xs break-all">
        {value === null ? (
          <span className="text-muted-foreground">—</span>
        ) : href ? (
          <Link className="hover:underline" href={href} title="Show only the events that carry this id" onClick={onNavigate}>
            {value}
          </Link>
        ) : (
          value
        )}
      </dd>
    </>
  );
}

function useElapsed(running: boolean) {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    setSeconds(0);
    const t0 = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - t0) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return seconds;
}
