// A plain line diff (longest common subsequence) between two policy texts: for the version
// history view and the audit trail's change summary. Pure, so the browser can use it too.
// Policies are short (tens of lines); the quadratic table is fine up to the limit below.

export type DiffLine = { kind: "same" | "added" | "removed"; text: string; oldLine?: number; newLine?: number };
export type DiffSummary = { added: number; removed: number; unchanged: number };

const MAX_CELLS = 4_000_000;

function lines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
}

/** The lines of `before` and `after`, each marked same / removed (only in before) / added (only in after). */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = lines(before);
  const b = lines(after);
  // Past this size a full table costs too much memory: show everything as replaced.
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((text, i): DiffLine => ({ kind: "removed", text, oldLine: i + 1 })),
      ...b.map((text, j): DiffLine => ({ kind: "added", text, newLine: j + 1 })),
    ];
  }
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: "same", text: a[i], oldLine: i + 1, newLine: j + 1 });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
      out.push({ kind: "removed", text: a[i], oldLine: i + 1 });
      i++;
    } else {
      out.push({ kind: "added", text: b[j], newLine: j + 1 });
      j++;
    }
  }
  for (; i < a.length; i++) out.push({ kind: "removed", text: a[i], oldLine: i + 1 });
  for (; j < b.length; j++) out.push({ kind: "added", text: b[j], newLine: j + 1 });
  return out;
}

export function summarizeDiff(before: string, after: string): DiffSummary {
  const sum: DiffSummary = { added: 0, removed: 0, unchanged: 0 };
  for (const l of diffLines(before, after)) {
    if (l.kind === "added") sum.added++;
    else if (l.kind === "removed") sum.removed++;
    else sum.unchanged++;
  }
  return sum;
}
