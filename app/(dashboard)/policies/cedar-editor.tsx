"use client";

import * as React from "react";
import { CircleCheck } from "lucide-react";
import { Button } from "@/components/ui/button";
import { api, ApiClientError, type FieldError } from "@/lib/client/api";
import { cn } from "@/lib/utils";

export type Problem = { message: string; line: number; column: number; help?: string };
export type Checked = { ok: boolean; errors: Problem[]; warnings: Problem[] };

const LINE_PX = 20; // leading-5: the gutter, the highlight bands and the textarea share it
const PAD_PX = 8; // py-2

/**
 * "line 3, column 7: …" messages about this text from a refused save, back into positions.
 * Problems in other policies (path "policies") point into their texts, not this one: the form
 * shows those as its message instead.
 */
export function problemsFromError(err: unknown): Problem[] {
  if (!(err instanceof ApiClientError)) return [];
  return err.fields.flatMap((f: FieldError): Problem[] => {
    const m = f.path === "cedar" ? /^line (\d+), column (\d+): (.*)$/s.exec(f.message) : null;
    return m ? [{ line: Number(m[1]), column: Number(m[2]), message: m[3] }] : [];
  });
}

const problemText = (p: Problem) => `line ${p.line}, column ${p.column}: ${p.message}${p.help ? ` (${p.help})` : ""}`;

/**
 * A plain textarea for Cedar with a line-number gutter. "Validate" asks the API; each problem is
 * listed as "line L, column C: message", its line is highlighted, and clicking it puts the cursor
 * there. `problems` from the parent (a refused save) are shown the same way. Policy text is
 * checked against its `namespace`'s schema; the schema editor passes its own `check`.
 */
export function CedarEditor({
  id,
  value,
  onChange,
  problems: outside = [],
  disabled,
  describedBy,
  namespace = "Warden",
  check,
  validLabel,
}: {
  id: string;
  value: string;
  onChange: (next: string) => void;
  problems?: Problem[];
  disabled?: boolean;
  describedBy?: string;
  namespace?: string;
  check?: (text: string) => Promise<Checked>;
  validLabel?: string;
}) {
  const ref = React.useRef<HTMLTextAreaElement>(null);
  const [scrollTop, setScrollTop] = React.useState(0);
  const [checked, setChecked] = React.useState<Checked | null>(null);
  const [checking, setChecking] = React.useState(false);
  const [checkError, setCheckError] = React.useState<string>();

  const lines = value.split("\n");
  const problems = [...(checked?.errors ?? []), ...outside];
  const badLines = new Set(problems.map((p) => p.line));
  const visibleLines = Math.min(Math.max(lines.length + 1, 12), 32);

  function edit(next: string) {
    setChecked(null); // positions no longer match the text
    setCheckError(undefined);
    onChange(next);
  }

  async function validate() {
    setChecking(true);
    setCheckError(undefined);
    try {
      setChecked(check ? await check(value) : await api<Checked>("/api/v1/policies/validate", { body: { cedar: value, namespace } }));
    } catch (err) {
      setChecked(null);
      setCheckError(err instanceof ApiClientError ? err.message : "Could not reach the validator. Try again.");
    } finally {
      setChecking(false);
    }
  }

  function jumpTo(p: Problem) {
    const ta = ref.current;
    if (!ta) return;
    const all = ta.value.split("\n");
    const line = Math.min(Math.max(p.line, 1), all.length);
    const start = all.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    const col = Math.min(Math.max(p.column - 1, 0), all[line - 1].length);
    ta.focus();
    ta.setSelectionRange(start + col, start + all[line - 1].length);
    ta.scrollTop = Math.max(0, (line - 1) * LINE_PX - ta.clientHeight / 3);
    setScrollTop(ta.scrollTop);
  }

  const listId = `${id}-problems`;
  return (
    <div className="grid gap-2">
      <div
        className="relative flex overflow-hidden rounded-md border border-input bg-background font-mono text-xs leading-5 focus-within:border-ring focus-within:ring-2 focus-within:ring-ring/40"
        style={{ height: visibleLines * LINE_PX + 2 * PAD_PX }}
      >
        <div aria-hidden="true" className="shrink-0 overflow-hidden border-r bg-muted/40 text-right text-muted-foreground select-none">
          <div style={{ transform: `translateY(${PAD_PX - scrollTop}px)` }}>
            {lines.map((_, i) => (
              <div key={i} className={cn("min-w-10 px-2 tabular-nums", badLines.has(i + 1) && "bg-destructive/15 font-semibold text-destructive")}>
                {i + 1}
              </div>
            ))}
          </div>
        </div>
        <div className="relative min-w-0 flex-1">
          <div aria-hidden="true" className="pointer-events-none absolute inset-0 overflow-hidden">
            {[...badLines].map((line) => (
              <div key={line} className="absolute inset-x-0 bg-destructive/10" style={{ top: PAD_PX + (line - 1) * LINE_PX - scrollTop, height: LINE_PX }} />
            ))}
          </div>
          <textarea
            ref={ref}
            id={id}
            name="cedar"
            value={value}
            onChange={(e) => edit(e.target.value)}
            onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
            disabled={disabled}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            aria-invalid={problems.length > 0 || undefined}
            aria-describedby={[describedBy, problems.length ? listId : null].filter(Boolean).join(" ") || undefined}
            className="relative block h-full w-full resize-none overflow-auto bg-transparent px-3 py-2 whitespace-pre outline-none disabled:opacity-50"
          />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="outline" size="sm" onClick={validate} disabled={checking || disabled}>
          {checking ? "Validating…" : "Validate"}
        </Button>
        <span className="text-xs text-muted-foreground">
          {lines.length} line{lines.length === 1 ? "" : "s"}
        </span>
        <div role="status" className="text-sm">
          {checked?.ok && outside.length === 0 ? (
            <span className="inline-flex items-center gap-1 text-success">
              <CircleCheck aria-hidden="true" className="size-4" /> {validLabel ?? `Valid against the ${namespace} schema`}
            </span>
          ) : null}
          {checkError ? <span className="text-destructive">{checkError}</span> : null}
        </div>
      </div>
      {problems.length > 0 ? (
        <ul id={listId} role="alert" className="grid gap-1 rounded-md border border-destructive/40 bg-destructive/5 p-2 text-sm">
          {problems.map((p, i) => (
            <li key={i}>
              <button type="button" className="text-left text-destructive hover:underline" onClick={() => jumpTo(p)}>
                {problemText(p)}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {checked && checked.warnings.length > 0 ? (
        <ul className="grid gap-1 rounded-md border border-warning/40 bg-warning/5 p-2 text-sm text-warning">
          {checked.warnings.map((p, i) => (
            <li key={i}>
              <button type="button" className="text-left hover:underline" onClick={() => jumpTo(p)}>
                Warning, {problemText(p)}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
