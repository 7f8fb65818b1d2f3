import { FileCheck2 } from "lucide-react";
import { Button } from "@/components/ui/button";

/**
 * "Download evidence bundle": the events of the filtered period with the signed checkpoints and
 * proofs that cover them (GET /api/v1/audit/bundle), checked offline by `npx warden-audit verify`.
 * A plain link, so it is keyboard-reachable and the browser streams the file to disk.
 */
export function EvidenceBundleLink({ from, to }: { from: string | null; to: string | null }) {
  const p = new URLSearchParams();
  if (from) p.set("from", from);
  if (to) p.set("to", to);
  const q = p.toString();
  return (
    <Button asChild variant="outline" size="sm">
      <a href={`/api/v1/audit/bundle${q ? `?${q}` : ""}`} download title="Events of this period with signed checkpoints and proofs, for npx warden-audit verify">
        <FileCheck2 aria-hidden="true" />
        Download evidence bundle
      </a>
    </Button>
  );
}
