import { describeAsk, diffLines, type DiffLike, type Kind } from "./ask";

/** What is asked, as a title line and the facts that matter (resource, sensitivity, goal …). */
export function AskSummary({ kind, action, goal, titleClassName }: { kind: Kind; action: unknown; goal?: string | null; titleClassName?: string }) {
  const ask = describeAsk(kind, action, goal);
  return (
    <>
      <span className={kind === "action" ? `font-mono text-xs ${titleClassName ?? ""}` : titleClassName}>{ask.title}</span>
      {ask.details.length ? (
        <span className="block truncate text-xs text-muted-foreground">
          {ask.details.map((d, i) => (
            <span key={d.label}>
              {i ? " · " : null}
              {d.label} <span className={d.label === "goal" ? undefined : "font-mono"}>{d.value}</span>
            </span>
          ))}
        </span>
      ) : null}
    </>
  );
}

/** The fields outside the intent, compact: `resource: repo:a/* → repo:b/x`, actual value in red. */
export function DiffCompact({ diff }: { diff: DiffLike[] | null | undefined }) {
  const lines = diffLines(diff);
  if (!lines.length) return <span className="text-xs text-muted-foreground">—</span>;
  return (
    <ul className="space-y-0.5 text-xs" aria-label="Outside the declared intent">
      {lines.map((d) => (
        <li key={d.field} className="truncate" title={`${d.field}: declared ${d.declared}, asked ${d.actual}`}>
          <strong>{d.field}</strong>: <code>{d.declared}</code> <span aria-hidden="true">→</span>
          <span className="sr-only">asked</span> <code className="font-semibold text-destructive">{d.actual}</code>
        </li>
      ))}
    </ul>
  );
}
