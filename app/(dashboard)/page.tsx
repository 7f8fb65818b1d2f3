import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { requirePagePerson } from "@/lib/api/current-person";
import { getDb } from "@/lib/runtime";
import { OverviewCharts } from "@/components/overview/charts";
import { getOverviewCharts, getOverviewStats, OVERVIEW_RANGES, type OverviewRange } from "@/lib/db/queries/overview";
import { formatCount } from "@/lib/format";

export const metadata = { title: "Overview · Warden" };

function Stat({ label, value, href, tone }: { label: string; value: number; href?: string; tone?: "bad" | "warn" }) {
  const color = tone === "bad" && value > 0 ? "text-destructive" : tone === "warn" && value > 0 ? "text-warning" : "";
  const body = (
    <>
      <div className="text-xs text-muted-foreground">{label}</div>
      <div className={`text-2xl font-semibold tabular-nums ${color}`}>{formatCount(value)}</div>
    </>
  );
  // Figures whose list page has not landed yet are shown without a link rather than a dead one.
  if (!href) return <div className="rounded-md border p-3">{body}</div>;
  return (
    <Link href={href} className="block rounded-md border p-3 hover:bg-muted/50 focus-visible:outline-2">
      {body}
    </Link>
  );
}

const RANGE_LABELS: Record<OverviewRange, string> = { "24h": "24 hours", "7d": "7 days", "30d": "30 days" };

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePerson("readInventory", "/");
  const sp = await searchParams;
  const range: OverviewRange = typeof sp.range === "string" && sp.range in OVERVIEW_RANGES ? (sp.range as OverviewRange) : "24h";
  const db = await getDb();
  const [s, charts] = await Promise.all([getOverviewStats(db), getOverviewCharts(db, range)]);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Overview"
        description="The fleet right now, and its decisions over the chosen period."
        actions={
          <nav aria-label="Time range" className="flex gap-1">
            {(Object.keys(RANGE_LABELS) as OverviewRange[]).map((r) => (
              <Link
                key={r}
                href={r === "24h" ? "/" : `/?range=${r}`}
                aria-current={r === range ? "page" : undefined}
                className={`rounded-md border px-2 py-1 text-xs ${r === range ? "bg-primary text-primary-foreground" : "hover:bg-muted"}`}
              >
                {RANGE_LABELS[r]}
              </Link>
            ))}
          </nav>
        }
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Decisions, last 24 h</CardTitle>
          </CardHeader>
          <CardContent className="grid grid-cols-3 gap-2">
            <Stat label="Allowed" value={s.decisions24h.allow} href="/sessions" />
            <Stat label="Denied" value={s.decisions24h.deny} href="/sessions?hasDenials=true" tone="bad" />
            <Stat label="Escalated" value={s.decisions24h.escalate} tone="warn" />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Needs attention</CardTitle>
          </CardHeader>
          <CardContent className="grid grid-cols-3 gap-2">
            <Stat label="Pending escalations" value={s.escalationsPending} tone="warn" />
            <Stat label="Open findings" value={s.findingsOpen} tone="warn" />
            <Stat label="Unmanaged connectors" value={s.connectors.unmanaged} href="/connectors?managed=false" tone="bad" />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Agents and sessions</CardTitle>
          </CardHeader>
          <CardContent className="grid grid-cols-3 gap-2">
            <Stat label="Active agents" value={s.agents.active} href="/agents?status=active" />
            <Stat label="Quarantined" value={s.agents.quarantined} href="/agents?status=quarantined" tone="bad" />
            <Stat label="Live sessions" value={s.sessions.active} href="/sessions?status=active" />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Credential hygiene</CardTitle>
          </CardHeader>
          <CardContent className="grid grid-cols-3 gap-2">
            <Stat label="Just-in-time (live)" value={s.credentials.jit} href="/credentials?jit=true&status=active" />
            <Stat label="Standing" value={s.credentials.standing} href="/credentials?jit=false&status=active" tone="warn" />
            <Stat label="Never expire" value={s.credentials.neverExpire} href="/credentials?status=active" tone="bad" />
          </CardContent>
        </Card>
      </div>
      <OverviewCharts data={charts} hygiene={{ jit: s.credentials.jit, standing: s.credentials.standing, neverExpire: s.credentials.neverExpire }} />
    </div>
  );
}
