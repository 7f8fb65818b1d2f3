// What a policy text does at a glance (permit / forbid / escalate), for lists and the editor.
// A light scan, not Cedar's parser: pure and dependency-free so the browser can run it too. It
// skips comments and string contents, so `@reason("never permit(...)")` is not miscounted. The
// engine (lib/policy/cedar/engine.ts) stays the authority on what a statement really does.

export type EffectSummary = { permit: number; forbid: number; escalate: number };

type Chunk = { code: string; strings: string[] };

/** Statements as code (strings replaced by `""`, comments dropped) plus their string literals. */
function statements(text: string): Chunk[] {
  const out: Chunk[] = [];
  let code = "";
  let strings: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end - 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let value = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\" && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      strings.push(value);
      code += `"${strings.length - 1}"`;
      i = j;
      continue;
    }
    if (c === ";") {
      out.push({ code, strings });
      code = "";
      strings = [];
      continue;
    }
    code += c;
  }
  if (code.trim()) out.push({ code, strings });
  return out;
}

const HEAD = /^\s*((?:@[A-Za-z_]\w*\s*(?:\(\s*"\d+"\s*\))?\s*)*)(permit|forbid)\s*\(/;
const ANNOTATION = /@([A-Za-z_]\w*)\s*(?:\(\s*"(\d+)"\s*\))?/g;

/**
 * Counts statements by effect. A forbid escalates when annotated `@escalate` / `@escalate("true")`,
 * or when the record says `onForbid: "escalate"` and the statement does not say `@escalate("false")`
 * (the same rule the engine applies). Escalating forbids count under `escalate`, not `forbid`.
 */
export function summarizeEffects(text: string, onForbid: "deny" | "escalate" | string = "deny"): EffectSummary {
  const sum: EffectSummary = { permit: 0, forbid: 0, escalate: 0 };
  for (const s of statements(text)) {
    const m = HEAD.exec(s.code);
    if (!m) continue;
    if (m[2] === "permit") {
      sum.permit++;
      continue;
    }
    let flag: string | null | undefined;
    for (const a of m[1].matchAll(ANNOTATION)) if (a[1] === "escalate") flag = a[2] === undefined ? null : s.strings[Number(a[2])];
    const escalate = flag === undefined ? onForbid === "escalate" : flag !== "false";
    if (escalate) sum.escalate++;
    else sum.forbid++;
  }
  return sum;
}

/** "permit", "forbid ×2, escalate" … for a table cell. */
export function effectLabel(sum: EffectSummary): string {
  const parts = (["permit", "forbid", "escalate"] as const).filter((k) => sum[k] > 0).map((k) => (sum[k] > 1 ? `${k} ×${sum[k]}` : k));
  return parts.length ? parts.join(", ") : "no statements";
}
