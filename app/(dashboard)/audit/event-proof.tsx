"use client";

import { useMutation } from "@tanstack/react-query";
import { LoaderCircle } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/client/api";
import { checkpointRoot, verifyInclusionInBrowser, type InclusionProof } from "@/lib/client/inclusion";
import { formatCount } from "@/lib/format";

type Proof = InclusionProof & { checkpoint: string };

/**
 * An event's inclusion proof on demand (GET /api/v1/audit/{id}/proof), checked here in the
 * browser against the root of the signed checkpoint it comes with. The checkpoint's signature is
 * for `warden-audit verify` with a key the reader trusts; this shows the event is in that tree.
 */
export function EventProof({ eventId }: { eventId: string }) {
  const m = useMutation({
    mutationFn: async () => {
      const p = await api<Proof>(`/api/v1/audit/${eventId}/proof`);
      const cp = checkpointRoot(p.checkpoint);
      const verified = cp !== null && cp.size === p.treeSize && (await verifyInclusionInBrowser(p, cp.root));
      return { ...p, verified };
    },
  });
  const p = m.data;
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2">
        <h3 className="text-sm font-medium">Inclusion proof</h3>
        {!p && (
          <Button variant="outline" size="sm" onClick={() => m.mutate()} disabled={m.isPending}>
            {m.isPending && <LoaderCircle className="animate-spin" aria-hidden />}
            Show inclusion proof
          </Button>
        )}
      </div>
      {m.isError && (
        <Alert variant="warning">
          <AlertDescription>{(m.error as Error).message}</AlertDescription>
        </Alert>
      )}
      {p && (
        <div className="space-y-1 text-sm" data-testid="inclusion-proof">
          <p role="status">
            {p.verified ? "Verified in this browser: " : "Does not verify: "}
            leaf {formatCount(p.leafIndex)} of the signed checkpoint of {formatCount(p.treeSize)} events
            {p.verified ? `, ${p.proof.length} hashes up to its root.` : "."}
          </p>
          <pre className="max-h-48 overflow-auto rounded-md border bg-muted/40 p-3 font-mono text-xs">{`${p.checkpoint}\nleaf ${p.leafIndex} ${p.leafHash}\n${p.proof.join("\n")}`}</pre>
        </div>
      )}
    </div>
  );
}
