"use client";

import { useQuery } from "@tanstack/react-query";
import { Time } from "@/components/time";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { api } from "@/lib/client/api";
import { formatCount } from "@/lib/format";
import type { AuditLogStatus } from "@/lib/services/audit-log/status";

// The checkpointer signs every 10 s by default: refreshing as often keeps the lag honest.
const REFRESH_MS = 10_000;

/**
 * The verifiable log at a glance (docs/audit-log.md): the newest signed checkpoint and whether a
 * trusted key signed it, where it is witnessed, how far the log has moved past it, and what is
 * not covered. Live: it refetches while the page is open.
 */
export function SignedLogStatus({ initial }: { initial: AuditLogStatus | null }) {
  const { data: s, isError } = useQuery({
    queryKey: ["audit-log-status"],
    queryFn: () => api<AuditLogStatus>("/api/v1/audit/checkpoints/latest"),
    initialData: initial ?? undefined,
    refetchInterval: REFRESH_MS,
  });
  if (!s) {
    return (
      <Alert variant={isError ? "destructive" : "info"} className="mb-4">
        <AlertTitle>Signed log</AlertTitle>
        <AlertDescription>{isError ? "The signed log's status could not be read." : "Reading the signed log's status…"}</AlertDescription>
      </Alert>
    );
  }
  const latest = s.latest;
  const bad = latest && !latest.trusted;
  return (
    <section aria-labelledby="signed-log-heading" className="mb-4 rounded-lg border p-3 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="signed-log-heading" className="font-medium">
          Signed log
        </h2>
        {!latest ? (
          <Badge variant="warning">no checkpoint yet</Badge>
        ) : bad ? (
          <Badge variant="destructive">signature not trusted</Badge>
        ) : (
          <Badge variant="success">signed</Badge>
        )}
        {isError && <span className="text-xs text-muted-foreground">(could not refresh; showing the last known state)</span>}
      </div>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr_auto_1fr]">
        <dt className="text-muted-foreground">Latest checkpoint</dt>
        <dd data-testid="checkpoint-size">
          {latest ? (
            <>
              {formatCount(latest.size)} events, <Time value={latest.createdAt} />
            </>
          ) : (
            "none"
          )}
        </dd>
        <dt className="text-muted-foreground">Signing key</dt>
        <dd className="font-mono text-xs">
          {s.origin} · {latest?.keyId ?? s.keyId}
        </dd>
        <dt className="text-muted-foreground">Not yet in a checkpoint</dt>
        <dd>
          {formatCount(s.lag.events)} events{s.lag.seconds !== null ? `, checkpoint ${formatCount(s.lag.seconds)} s old` : ""}
        </dd>
        <dt className="text-muted-foreground">Witness</dt>
        <dd>
          {!s.witness.folder && s.witness.http.length === 0 && "none configured"}
          {s.witness.folder && (
            <div>
              Folder {s.witness.folder} (newest: {s.witness.newestSize === null ? "none" : formatCount(s.witness.newestSize)})
            </div>
          )}
          {s.witness.http.map((w) => (
            <div key={w.url} data-testid="http-witness">
              {w.name} at <span className="break-all font-mono text-xs">{w.url}</span> (cosigned: {w.cosignedSize === null ? "none" : formatCount(w.cosignedSize)}
              {w.cosignedAt && (
                <>
                  , <Time value={w.cosignedAt} />
                </>
              )}
              )
            </div>
          ))}
        </dd>
      </dl>
      {bad && (
        <Alert variant="destructive" className="mt-2">
          <AlertTitle>The latest checkpoint is not trusted</AlertTitle>
          <AlertDescription>{latest.problem}</AlertDescription>
        </Alert>
      )}
      {s.gaps.length > 0 && !bad && (
        <ul className="mt-2 list-disc space-y-0.5 pl-5 text-xs text-muted-foreground" aria-label="Not covered">
          {s.gaps.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
