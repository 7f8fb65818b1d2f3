"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import * as React from "react";
import { RiskBadge } from "@/components/agents/badges";
import { ErrorState } from "@/components/data-table/error-state";
import { approvalsLabel, describeAsk } from "@/components/escalations/ask";
import { AskComparison } from "@/components/escalations/ask-comparison";
import { AskSummary } from "@/components/escalations/ask-parts";
import { EscalationStatusBadge } from "@/components/escalations/badges";
import { DecisionPanel } from "@/components/escalations/decision-panel";
import { GrantFacts, ReasonList, RecentCalls, SessionLink, VoteList } from "@/components/escalations/detail-sections";
import type { EscalationView } from "@/components/escalations/types";
import { PageHeader } from "@/components/page-header";
import { ESCALATION_SUMMARY_KEY } from "@/components/shell/pending-escalations-badge";
import { Time } from "@/components/time";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { api, ApiClientError } from "@/lib/client/api";
import { useInterval, useLiveChanges } from "@/lib/client/use-live";
import { useThrottled } from "@/lib/client/use-throttled";

const KIND_LABEL = { action: "Tool call", intent_change: "Intent change", session_open: "Session open" } as const;
const POLL_MS = 10_000;

/**
 * One escalation, kept current: the session's change stream brings a second approver's vote,
 * the agent's next call or the sweeper's expiry, and a timer catches the moment it runs out.
 */
export function EscalationDetail({ id, initial }: { id: string; initial: EscalationView | null }) {
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ["escalation", id],
    queryFn: ({ signal }) => api<EscalationView>(`/api/v1/escalations/${id}`, { signal }),
    initialData: initial ?? undefined,
    retry: (n, err) => !(err instanceof ApiClientError && err.status < 500) && n < 2,
  });
  const [notice, setNotice] = React.useState<string | null>(null);
  const refetch = useThrottled(() => void q.refetch(), 1000);
  const d = q.data;
  const pending = d?.escalation.status === "pending";
  const live = useLiveChanges(d?.session ? { session: d.session.id } : null, refetch);
  useInterval(refetch, POLL_MS, !live && pending);

  // Nothing is written when a request runs out of time, so ask again just after it does.
  const expiresAt = d?.escalation.expiresAt;
  React.useEffect(() => {
    if (!pending || !expiresAt) return;
    const ms = Math.min(new Date(expiresAt).getTime() - Date.now() + 500, 2 ** 31 - 1);
    const t = setTimeout(refetch, Math.max(0, ms));
    return () => clearTimeout(t);
  }, [pending, expiresAt, refetch]);

  if (!d) {
    if (q.isError) {
      const missing = q.error instanceof ApiClientError && q.error.status === 404;
      return <ErrorState title={missing ? "Escalation not found" : "Could not load this escalation"} message={missing ? "It does not exist, or the link is wrong." : undefined} onRetry={() => void q.refetch()} />;
    }
    return <DetailSkeleton />;
  }

  const e = d.escalation;
  const ask = describeAsk(e.kind, e.action, d.session?.goal);
  const onDecided = (recorded: string | null) => {
    setNotice(recorded);
    void q.refetch();
    void client.invalidateQueries({ queryKey: ["escalations"] });
    void client.invalidateQueries({ queryKey: ESCALATION_SUMMARY_KEY });
  };

  return (
    <div className="space-y-4">
      <PageHeader
        title={ask.title}
        breadcrumbs={[{ label: "Escalations", href: "/escalations" }]}
        description={
          <>
            <EscalationStatusBadge status={e.status} /> <RiskBadge tier={e.risk} /> {KIND_LABEL[e.kind]}
            {d.agent ? (
              <>
                {" for "}
                <Link className="hover:underline" href={`/agents/${d.agent.id}`}>
                  {d.agent.name}
                </Link>{" "}
                ({d.agent.team}, {d.agent.riskTier} tier{d.agent.ownerName ? `, owned by ${d.agent.ownerName}` : ""})
              </>
            ) : null}
            {" · asked "}
            <Time value={e.createdAt} /> · {approvalsLabel(e.approvals, e.requiredApprovals)} approvals
          </>
        }
      />
      <div className="flex items-center gap-2 text-xs text-muted-foreground" aria-live="polite">
        <span className={`inline-block size-2 rounded-full ${live ? "bg-success" : "bg-warning"}`} aria-hidden="true" />
        {live ? "Live: votes and expiry show as they happen" : `Reconnecting; refreshing every ${POLL_MS / 1000} s`}
      </div>

      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="min-w-0 space-y-4">
          <Card>
            <CardHeader>
              <CardTitle as="h2">What is asked</CardTitle>
              {d.session ? (
                <CardDescription>
                  In session <SessionLink session={d.session} /> (intent v{d.session.intentVersion})
                </CardDescription>
              ) : null}
            </CardHeader>
            <CardContent className="space-y-4">
              <div className="text-sm">
                <AskSummary kind={e.kind} action={e.action} goal={d.session?.goal} titleClassName="text-sm font-semibold" />
              </div>
              <div className="rounded-md border">
                <AskComparison kind={e.kind} action={e.action} intent={d.session?.intent} intentVersion={d.session?.intentVersion ?? 1} diff={e.diff} />
              </div>
              <div>
                <h3 id="why-heading" className="mb-1 text-sm font-semibold">
                  Why it needs a person
                </h3>
                <ReasonList reasons={e.reasons} labelledBy="why-heading" />
              </div>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle as="h2">Recent calls in this session</CardTitle>
              {d.session ? (
                <CardDescription>
                  The last {d.recentDecisions.length}, newest first.{" "}
                  <Link className="hover:underline" href={`/sessions/${d.session.id}`}>
                    Open the session
                  </Link>
                </CardDescription>
              ) : null}
            </CardHeader>
            <CardContent>
              <RecentCalls calls={d.recentDecisions} escalationId={e.id} />
            </CardContent>
          </Card>
        </div>

        <div className="min-w-0 space-y-4">
          <Card>
            <CardHeader>
              <CardTitle as="h2">Decision</CardTitle>
              <CardDescription>
                {e.status === "pending" ? (
                  <>
                    Expires <Time value={e.expiresAt} />; unanswered, it counts as denied.
                  </>
                ) : (
                  <>
                    {e.status} <Time value={e.resolvedAt ?? e.expiresAt} />
                    {e.resolution ? <>: {e.resolution}</> : null}
                  </>
                )}
              </CardDescription>
            </CardHeader>
            <CardContent className="space-y-3">
              {notice ? (
                <p role="status" className="text-sm text-success">
                  {notice}
                </p>
              ) : null}
              {d.viewer.canDecide ? (
                <DecisionPanel escalationId={e.id} scopes={d.scopes} needsPassword={d.viewer.needsPassword} subject={`${ask.title}${d.agent ? ` for ${d.agent.name}` : ""}`} onDecided={onDecided} />
              ) : (
                <p className="text-sm text-muted-foreground">
                  {d.viewer.blockedBy ?? "You cannot decide this escalation."}
                </p>
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle as="h2">Votes ({approvalsLabel(e.approvals, e.requiredApprovals)} approvals)</CardTitle>
              {e.requiredApprovals > 1 ? <CardDescription>High risk: two different people must approve.</CardDescription> : null}
            </CardHeader>
            <CardContent>
              <VoteList votes={d.votes} />
            </CardContent>
          </Card>
          {d.grant ? (
            <Card>
              <CardHeader>
                <CardTitle as="h2">Grant</CardTitle>
              </CardHeader>
              <CardContent>
                <GrantFacts grant={d.grant} />
              </CardContent>
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/** First paint when the page could not read the escalation on the server. */
export function DetailSkeleton() {
  return (
    <div role="status" aria-busy="true" className="space-y-4">
      <span className="sr-only">Loading…</span>
      <Skeleton className="h-6 w-2/5" />
      <Skeleton className="h-4 w-3/5" />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <Skeleton className="h-72" />
        <Skeleton className="h-72" />
      </div>
    </div>
  );
}
