import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/canonical-json";
import { toStorable } from "@/lib/storable";

// Tool-call arguments can hold anything (customer data, secrets pasted into a prompt). Warden
// keeps a digest to tie a decision to exact arguments, and a preview that shows their shape
// without their values.
const MAX_PREVIEW_KEYS = 50;
const MAX_DEPTH = 4;

export function argumentsDigest(args: unknown): string | null {
  if (args === undefined) return null;
  return createHash("sha256").update(canonicalJson(args)).digest("hex");
}

/** Keys kept, values replaced by their type (and length for strings and arrays). */
export function redactedPreview(args: unknown, depth = 0): unknown {
  if (args === null || args === undefined) return args ?? null;
  if (typeof args === "string") return `<string:${args.length}>`;
  if (typeof args === "number" || typeof args === "boolean") return `<${typeof args}>`;
  if (Array.isArray(args)) return `<array:${args.length}>`;
  if (typeof args === "object") {
    if (depth >= MAX_DEPTH) return "<object>";
    const out: Record<string, unknown> = {};
    const keys = Object.keys(args as object);
    // Keys are kept, so they must be storable: Postgres jsonb holds neither NUL nor a lone
    // surrogate (which the cut at 100 can also leave).
    for (const k of keys.slice(0, MAX_PREVIEW_KEYS)) out[toStorable(k.slice(0, 100))] = redactedPreview((args as Record<string, unknown>)[k], depth + 1);
    if (keys.length > MAX_PREVIEW_KEYS) out["…"] = `<${keys.length - MAX_PREVIEW_KEYS} more keys>`;
    return out;
  }
  return `<${typeof args}>`;
}
