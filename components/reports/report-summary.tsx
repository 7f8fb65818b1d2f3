"use client";

import Link from "next/link";
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { Report } from "@/lib/reports/types";
import { formatCount } from "@/lib/format";

const COLORS = { covered: "var(--success)", partial: "var(--warning)", gap: "var(--destructive)", allow: "var(--success)", deny: "var(--destructive)", escalate: "var(--warning)" };

function Stat({ label, value, detail, href }: { label: string; value: string | number; detail?: React.ReactNode; href?: string }) {
  const v = typeof value === "number" ? formatCount(value) : value;
  return (
    <Card className="gap-1 py-4">
      <CardHeader className="px-4">
        <CardTitle className="text-xs font-medium text-muted-foreground">{label}</CardTitle>
      </CardHeader>
      <CardContent className="px-4">
        <div className="text-2xl font-semibold tabular-nums">{href ? <Link className="hover:underline" href={href}>{v}</Link> : v}</div>
        {detail ? <div className="text-xs text-muted-foreground">{detail}</div> : null}
      </CardContent>
    </Card>
  );
}

type Segment = { key: keyof typeof COLORS; name: string; value: number };

/** One horizontal bar split into segments, with the same figures as text under it. */
function StackedBarCard({ title, segments, caption, max }: { title: string; segments: Segment[]; caption: string; max?: number }) {
  const row = Object.fromEntries([["name", title], ...segments.map((g) => [g.key, g.value])]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        <div className="h-24" aria-hidden="true">
          <ResponsiveContainer>
            <BarChart layout="vertical" data={[row]} margin={{ left: 0, right: 8 }}>
              <XAxis type="number" allowDecimals={false} fontSize={11} domain={max === undefined ? undefined : [0, max]} />
              <YAxis type="category" dataKey="name" hide />
              <Tooltip />
              <Legend />
              {segments.map((g) => (
                <Bar key={g.key} dataKey={g.key} name={g.name} stackId="s" fill={COLORS[g.key]} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
        <p className="mt-2 text-xs text-muted-foreground">{caption}</p>
      </CardContent>
    </Card>
  );
}

/** Headline figures and two charts (coverage, decisions by outcome); each chart has its figures as text too. */
export function ReportSummary({ report, itemNoun }: { report: Report; itemNoun: string }) {
  const s = report.summary;
  const range = `from=${encodeURIComponent(report.period.from)}&to=${encodeURIComponent(report.period.to)}`;
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat label={`Covered ${itemNoun}`} value={`${s.covered} / ${s.items}`} detail={`${s.partial} partial · ${s.gaps} gaps`} />
        <Stat label="Decisions" value={s.decisions} detail={`${formatCount(s.allowed)} allowed · ${formatCount(s.denied)} denied · ${formatCount(s.escalated)} escalated`} href={`/audit?action=decision.&${range}`} />
        <Stat label="Escalations decided" value={s.escalationsApproved + s.escalationsDenied} detail={`${s.escalationsApproved} approved · ${s.escalationsDenied} denied · ${s.escalationsExpired} expired`} href="/escalations?status=all" />
        <Stat label="Credentials revoked" value={s.credentialsRevoked} href="/credentials?status=revoked" />
        <Stat label="Findings raised" value={s.findingsRaised} href="/findings?status=all" />
        <Stat label="Audit chain head" value={report.chainHead.seq ? `#${report.chainHead.seq}` : "—"} detail={<span className="font-mono" title={report.chainHead.hash}>{report.chainHead.hash.slice(0, 16)}</span>} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <StackedBarCard
          title="Coverage"
          max={s.items}
          segments={[
            { key: "covered", name: "Covered", value: s.covered },
            { key: "partial", name: "Partial", value: s.partial },
            { key: "gap", name: "Gap", value: s.gaps },
          ]}
          caption={`${s.covered} covered, ${s.partial} partial, ${s.gaps} gaps of ${s.items} ${itemNoun}.`}
        />
        <StackedBarCard
          title="Decisions by outcome"
          segments={[
            { key: "allow", name: "Allowed", value: s.allowed },
            { key: "escalate", name: "Escalated", value: s.escalated },
            { key: "deny", name: "Denied", value: s.denied },
          ]}
          caption={`${formatCount(s.allowed)} allowed, ${formatCount(s.escalated)} escalated, ${formatCount(s.denied)} denied.`}
        />
      </div>
    </div>
  );
}
