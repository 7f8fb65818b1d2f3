// Parsing the general Cedar schema (issue 22) with positions a person can act on, and the
// per-namespace slice general policies are validated against. Pure: no I/O.
//
// Cedar reports two kinds of location: parse errors carry byte offsets into the document, but
// type-resolution errors carry offsets into the *type name* (0..len). Those are found again by
// looking the name up in the text, so every problem still has a usable line and column.
import { checkParseSchema, schemaToJson, type DetailedError, type SchemaJson } from "@cedar-policy/cedar-wasm/nodejs";
import { WARDEN_NAMESPACE } from "./schema";
import { positionAt, positionOf, type SourceProblem } from "./source";

export type GeneralSchemaJson = SchemaJson<string>;

export type SchemaParse =
  | { ok: true; json: GeneralSchemaJson; namespaces: string[]; warnings: SourceProblem[] }
  | { ok: false; errors: SourceProblem[]; warnings: SourceProblem[] };

/** The namespace the agent schema owns; a general schema may neither use it nor nest under it. */
export function isReservedNamespace(ns: string): boolean {
  return ns === WARDEN_NAMESPACE || ns.startsWith(`${WARDEN_NAMESPACE}::`) || ns === "__cedar" || ns.startsWith("__cedar::");
}


const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Where `name` first appears as a whole token outside comments, or -1. */
function findToken(text: string, name: string): number {
  const re = new RegExp(`(?<![A-Za-z0-9_:])${escapeRe(name)}(?![A-Za-z0-9_])`, "g");
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const lineStart = text.lastIndexOf("\n", m.index) + 1;
    if (!text.slice(lineStart, m.index).includes("//")) return m.index;
  }
  return -1;
}

const cleanMessage = (m: string) => m.replace(/^failed to parse schema from string: /, "").replace(/^error parsing schema: /, "");

function problemOf(text: string, e: DetailedError): SourceProblem {
  const base = { message: cleanMessage(e.message), ...(e.help ? { help: e.help } : {}) };
  // "failed to resolve type: Foo" / "undeclared action: Action::"q"": the offsets (if any) are
  // not into the document; find the name instead.
  const resolve = /^failed to resolve type: (\S+)/.exec(e.message);
  const quoted = /^undeclared action: (?:[\w:]*::)?Action::("(?:[^"\\]|\\.)*")/.exec(e.message);
  const name = resolve?.[1] ?? quoted?.[1];
  if (name) {
    const at = findToken(text, name);
    if (at >= 0) return { ...base, ...positionAt(text, at) };
    // a qualified name written unqualified inside its own namespace
    const short = name.split("::").pop() ?? name;
    const again = short === name ? -1 : findToken(text, short);
    return { ...base, ...(again >= 0 ? positionAt(text, again) : { line: 1, column: 1 }) };
  }
  const start = e.sourceLocations?.[0]?.start;
  return { ...base, ...(start === undefined ? { line: 1, column: 1 } : positionOf(text, start)) };
}

/** First declaration outside every `namespace { … }` block (comments and strings skipped), or -1. */
function topLevelDeclaration(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "/" && text[i + 1] === "/") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
    } else if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (ch === "{") depth++;
    else if (ch === "}") depth--;
    else if (depth === 0 && ch === "@") {
      // an annotation (`@doc("…")`) belongs to what follows it: skip its name and argument
      const close = text.indexOf(")", i);
      const nl = text.indexOf("\n", i);
      i = close >= 0 && (nl < 0 || close < nl) ? close : nl < 0 ? text.length : nl;
    } else if (depth === 0 && /[A-Za-z_]/.test(ch)) {
      if (/^namespace\b/.test(text.slice(i))) {
        const open = text.indexOf("{", i);
        if (open < 0) return -1;
        i = open - 1;
        continue;
      }
      return i;
    }
  }
  return -1;
}

/**
 * The general schema document: Cedar schema syntax holding named namespaces only. Refused:
 * syntax and type errors, top-level declarations (policies name their namespace, so every type
 * needs one), the reserved `Warden` namespace, and a namespace that refers to another one's types
 * (each namespace is validated, and may be removed, on its own).
 */
export function parseGeneralSchema(text: string): SchemaParse {
  const answer = schemaToJson(text);
  if (answer.type === "failure") return { ok: false, errors: answer.errors.map((e) => problemOf(text, e)), warnings: [] };
  const warnings = answer.warnings.map((w) => problemOf(text, w));
  const json = answer.json as GeneralSchemaJson;
  const errors: SourceProblem[] = [];
  const namespaces = Object.keys(json);
  if (namespaces.includes("")) {
    const at = topLevelDeclaration(text);
    errors.push({ message: "declare every type and action inside a `namespace Name { … }` block", ...(at >= 0 ? positionAt(text, at) : { line: 1, column: 1 }) });
  }
  for (const ns of namespaces.filter((n) => n && isReservedNamespace(n))) {
    const at = text.search(new RegExp(`\\bnamespace\\s+${escapeRe(ns)}\\b`));
    errors.push({ message: `the namespace \`${ns}\` is reserved for agent policies; choose another name`, ...(at >= 0 ? positionAt(text, at) : { line: 1, column: 1 }) });
  }
  if (errors.length) return { ok: false, errors, warnings };
  for (const ns of namespaces) {
    const alone = checkParseSchema(namespaceSchema(json, ns));
    if (alone.type === "failure") {
      for (const e of alone.errors) {
        const p = problemOf(text, e);
        errors.push({ ...p, message: `namespace ${ns} must be self-contained: ${p.message}` });
      }
    }
  }
  if (errors.length) return { ok: false, errors, warnings };
  return { ok: true, json, namespaces: namespaces.sort(), warnings };
}

/** The part of the document one namespace's policies are validated against. */
export function namespaceSchema(json: GeneralSchemaJson, ns: string): GeneralSchemaJson {
  const def = json[ns];
  return def ? { [ns]: def } : {};
}

/** "line 3, column 7: message (help)": the form the API's field errors and the editor use. */
export function schemaProblemText(p: SourceProblem): string {
  return `line ${p.line}, column ${p.column}: ${p.message}${p.help ? ` (${p.help})` : ""}`;
}
