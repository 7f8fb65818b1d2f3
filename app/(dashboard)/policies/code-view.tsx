// Read-only views of Cedar text: a numbered block and a line diff. No hooks, so server pages and
// client components both render them.
import { Badge } from "@/components/ui/badge";
import { effectLabel, type EffectSummary } from "@/lib/domain/policies/effects";
import { diffLines } from "@/lib/domain/policies/line-diff";
import { cn } from "@/lib/utils";

const lineNo = "w-10 shrink-0 select-none pr-3 text-right text-muted-foreground tabular-nums";

/** Policy text in a monospace block with line numbers (numbers are not part of a copy). */
export function CodeBlock({ text, label }: { text: string; label: string }) {
  const lines = text.replace(/\n$/, "").split("\n");
  return (
    <pre aria-label={label} className="overflow-x-auto rounded-md border bg-muted/30 py-2 font-mono text-xs leading-5">
      {lines.map((line, i) => (
        <div key={i} className="flex">
          <span aria-hidden="true" className={lineNo}>
            {i + 1}
          </span>
          <code className="pr-3 whitespace-pre">{line || " "}</code>
        </div>
      ))}
    </pre>
  );
}

/** "+added −removed" of a line diff, or a dash when there is none. */
export function DiffCounts({ diff }: { diff: { added: number; removed: number } | null | undefined }) {
  if (!diff) return <span className="text-muted-foreground">—</span>;
  return (
    <>
      <span className="text-success">+{diff.added}</span> <span className="text-destructive">−{diff.removed}</span>
    </>
  );
}

/** Lines removed from `before` and added in `after`, with both line numbers. */
export function DiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const rows = diffLines(before, after);
  if (rows.every((r) => r.kind === "same")) return <p className="text-sm text-muted-foreground">The texts are identical.</p>;
  return (
    <pre aria-label={label} className="overflow-x-auto rounded-md border py-2 font-mono text-xs leading-5">
      {rows.map((r, i) => (
        <div
          key={i}
          className={cn("flex", r.kind === "added" && "bg-success/10", r.kind === "removed" && "bg-destructive/10")}
        >
          <span aria-hidden="true" className={lineNo}>
            {r.oldLine ?? ""}
          </span>
          <span aria-hidden="true" className={lineNo}>
            {r.newLine ?? ""}
          </span>
          <span className={cn("w-4 shrink-0 select-none", r.kind === "added" && "text-success", r.kind === "removed" && "text-destructive")}>
            {r.kind === "added" ? "+" : r.kind === "removed" ? "−" : " "}
            <span className="sr-only">{r.kind === "added" ? " added: " : r.kind === "removed" ? " removed: " : ""}</span>
          </span>
          <code className="pr-3 whitespace-pre">{r.text || " "}</code>
        </div>
      ))}
    </pre>
  );
}

/** permit / forbid / escalate as badges; the text says it, the colour only repeats it. */
export function EffectBadges({ effects }: { effects: EffectSummary }) {
  const total = effects.permit + effects.forbid + effects.escalate;
  if (total === 0) return <span className="text-muted-foreground">{effectLabel(effects)}</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {effects.permit ? <Badge variant="success">permit{effects.permit > 1 ? ` ×${effects.permit}` : ""}</Badge> : null}
      {effects.forbid ? <Badge variant="destructive">forbid{effects.forbid > 1 ? ` ×${effects.forbid}` : ""}</Badge> : null}
      {effects.escalate ? <Badge variant="warning">escalate{effects.escalate > 1 ? ` ×${effects.escalate}` : ""}</Badge> : null}
    </span>
  );
}

/** Guardrails store "Title. Longer description": the first sentence reads as a title. */
export function splitTitle(description: string): { title: string; rest: string } {
  const m = /^(.+?[.!?])\s+(.*)$/s.exec(description.trim());
  return m ? { title: m[1].replace(/\.$/, ""), rest: m[2] } : { title: description.trim(), rest: "" };
}
