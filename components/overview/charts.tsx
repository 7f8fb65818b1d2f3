"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import * as React from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { OverviewCharts as Data } from "@/lib/domain/overview";
import { useLiveChanges } from "@/lib/client/use-live";
import { formatCount, formatLocalClock, formatLocalDateTime, formatLocalDay } from "@/lib/format";

const COLORS = { allow: "var(--success)", deny: "var(--destructive)", escalate: "var(--warning)" };
const SEVERITY_COLORS: Record<string, string> = { critical: "var(--destructive)", high: "var(--destructive)", medium: "var(--warning)", low: "var(--muted-foreground)", info: "var(--muted-foreground)" };

function ChartCard({ title, href, linkLabel, children, table }: { title: string; href: string; linkLabel: string; children: React.ReactNode; table: React.ReactNode }) {
  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between">
        <CardTitle>{title}</CardTitle>
        <Link className="text-xs hover:underline" href={href}>
          {linkLabel}
        </Link>
      </CardHeader>
      <CardContent>
        <div className="h-56" aria-hidden="true">
          {children}
        </div>
        {/* The same figures as a table, for screen readers and for copying. */}
        <details className="mt-2 text-xs">
          <summary className="cursor-pointer text-muted-foreground">Figures</summary>
          {table}
        </details>
      </CardContent>
    </Card>
  );
}

function FigureTable({ head, rows }: { head: string[]; rows: (string | number)[][] }) {
  if (rows.length === 0) return <p className="text-muted-foreground">Nothing in this period.</p>;
  return (
    <table className="mt-1 w-full">
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} className="text-left font-medium">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) => (
              <td key={j} className={typeof c === "number" ? "tabular-nums" : undefined}>
                {typeof c === "number" ? formatCount(c) : c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const tick = (range: Data["range"]) => (iso: string) => {
  const d = new Date(iso);
  return range === "24h" ? formatLocalClock(d) : formatLocalDay(d);
};

/** The overview's charts; each links to the list behind it. Refreshes when decisions arrive. */
export function OverviewCharts({ data, hygiene }: { data: Data; hygiene: { jit: number; standing: number; neverExpire: number } }) {
  const router = useRouter();
  // The page is server-rendered: refresh it (at most every 5 s) as the fleet decides.
  const last = React.useRef(0);
  useLiveChanges({}, () => {
    if (Date.now() - last.current < 5000) return;
    last.current = Date.now();
    router.refresh();
  });
  const fmt = tick(data.range);
  // Over days the buckets are hours apart and a date under each would repeat: one tick a day,
  // at its first bucket, in the viewer's zone.
  const dayTicks =
    data.range === "24h"
      ? undefined
      : data.timeline.filter((b, i, all) => i === 0 || new Date(b.bucket).toDateString() !== new Date(all[i - 1].bucket).toDateString()).map((b) => b.bucket);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard
        title="Decisions over time"
        href="/sessions?hasDenials=true"
        linkLabel="Sessions with denials"
        table={<FigureTable head={["From", "Allowed", "Denied", "Escalated"]} rows={data.timeline.map((b) => [formatLocalDateTime(new Date(b.bucket)), b.allow, b.deny, b.escalate])} />}
      >
        <ResponsiveContainer>
          <BarChart data={data.timeline}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="bucket" tickFormatter={fmt} ticks={dayTicks} fontSize={11} />
            <YAxis fontSize={11} width={48} />
            <Tooltip labelFormatter={(v) => formatLocalDateTime(new Date(String(v)))} />
            <Legend />
            <Bar dataKey="allow" name="Allowed" stackId="o" fill={COLORS.allow} />
            <Bar dataKey="escalate" name="Escalated" stackId="o" fill={COLORS.escalate} />
            <Bar dataKey="deny" name="Denied" stackId="o" fill={COLORS.deny} />
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>
      <ChartCard
        title="Denials and escalations by agent"
        href="/agents"
        linkLabel="Agents"
        table={<FigureTable head={["Agent", "Denied", "Escalated"]} rows={data.byAgent.map((a) => [a.name, a.deny, a.escalate])} />}
      >
        <HorizontalBars data={data.byAgent} bars={DENY_ESCALATE} onPick={(i) => router.push(`/agents/${data.byAgent[i].id}`)} />
      </ChartCard>
      <ChartCard
        title="Denials and escalations by connector"
        href="/connectors"
        linkLabel="Connectors"
        table={<FigureTable head={["Connector", "Denied", "Escalated"]} rows={data.byConnector.map((c) => [c.name, c.deny, c.escalate])} />}
      >
        <HorizontalBars data={data.byConnector} bars={DENY_ESCALATE} onPick={(i) => router.push(`/connectors?q=${encodeURIComponent(data.byConnector[i].name)}`)} />
      </ChartCard>
      <ChartCard
        title="Agents drifting most"
        href="/sessions?hasDrift=true"
        linkLabel="Sessions with drift"
        table={<FigureTable head={["Agent", "Out-of-intent calls", "Sessions"]} rows={data.drifting.map((a) => [a.name, a.attempts, a.sessions])} />}
      >
        <HorizontalBars
          data={data.drifting}
          bars={[{ key: "attempts", name: "Out-of-intent calls", fill: COLORS.escalate }]}
          onPick={(i) => router.push(`/sessions?hasDrift=true&q=${encodeURIComponent(data.drifting[i].name)}`)}
        />
      </ChartCard>
      <ChartCard
        title="Credential hygiene"
        href="/credentials?jit=false&status=active"
        linkLabel="Standing credentials"
        table={<FigureTable head={["Live credentials", "Count"]} rows={[["Just-in-time", hygiene.jit], ["Standing", hygiene.standing], ["Standing, never expire", hygiene.neverExpire]]} />}
      >
        <HorizontalBars
          data={[
            { name: "Just-in-time", value: hygiene.jit },
            { name: "Standing", value: hygiene.standing },
            { name: "Never expire", value: hygiene.neverExpire },
          ]}
          bars={[{ key: "value", name: "Live credentials", fill: "var(--primary)" }]}
          onPick={(i) => router.push(["/credentials?jit=true&status=active", "/credentials?jit=false&status=active", "/credentials?jit=false&status=active"][i])}
        />
      </ChartCard>
      <ChartCard
        title="Open findings by severity"
        href="/findings"
        linkLabel="Findings"
        table={<FigureTable head={["Severity", "Open"]} rows={data.findingsBySeverity.map((f) => [f.severity, f.open])} />}
      >
        <ResponsiveContainer>
          <BarChart data={data.findingsBySeverity} onClick={(e) => pick(e, (i) => router.push(`/findings?severity=${data.findingsBySeverity[i].severity}`))}>
            <XAxis dataKey="severity" fontSize={11} />
            <YAxis fontSize={11} width={40} allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="open" name="Open findings" cursor="pointer" shape={(props: unknown) => <SeverityBar {...(props as BarShape)} />} />
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>
    </div>
  );
}

type BarShape = { x: number; y: number; width: number; height: number; payload: { severity: string } };
function SeverityBar({ x, y, width, height, payload }: BarShape) {
  return <rect x={x} y={y} width={width} height={height} fill={SEVERITY_COLORS[payload.severity] ?? "var(--muted-foreground)"} />;
}

const DENY_ESCALATE = [
  { key: "deny", name: "Denied", fill: COLORS.deny },
  { key: "escalate", name: "Escalated", fill: COLORS.escalate },
];

/** Top-ten bars by name; clicking a bar opens what it counts. */
function HorizontalBars({ data, bars, onPick }: { data: ({ name: string } & Record<string, unknown>)[]; bars: { key: string; name: string; fill: string }[]; onPick: (index: number) => void }) {
  return (
    <ResponsiveContainer>
      <BarChart data={data} layout="vertical" onClick={(e) => pick(e, onPick)}>
        <XAxis type="number" fontSize={11} allowDecimals={false} />
        {/* interval 0: recharts otherwise drops every other name when it guesses they would
            overlap, leaving half the bars unnamed. Ten rows fit the card at this size; a long
            name is shortened here and shown whole in the tooltip and the figures table. */}
        <YAxis type="category" dataKey="name" width={130} fontSize={11} interval={0} tickFormatter={shortLabel} />
        <Tooltip />
        {bars.map((b) => (
          <Bar key={b.key} dataKey={b.key} name={b.name} stackId="o" fill={b.fill} cursor="pointer" />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Names longer than the axis has room for (about 19 characters at 11 px in 130 px) end in "…". */
function shortLabel(name: string): string {
  return name.length > 19 ? `${name.slice(0, 18)}…` : name;
}

function pick(e: unknown, onPick: (index: number) => void) {
  const i = (e as { activeTooltipIndex?: number | string } | null)?.activeTooltipIndex;
  if (i === undefined || i === null) return;
  onPick(Number(i));
}
