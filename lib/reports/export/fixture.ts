// Test data only: a deterministic Report over a real catalog (all ten OWASP ASI items, all NIST
// AI RMF items) with every status, and strings that stress quoting and formula injection.
import type { Report, ReportFrameworkId, ReportItem } from "../types";
import { getFramework } from "@/lib/frameworks/catalog";

const CONTROLS = [
  { id: "per-call-authorization", name: "Per-call authorization", how: "Every tool call is decided against policy before it runs." },
  { id: "detector.intent_drift", name: "Intent drift detector", how: "Flags calls outside the session's declared intent." },
  { id: "jit-credentials", name: "Just-in-time credentials", how: "Short-lived, scoped credentials, revocable at once." },
  { id: "audit-chain", name: "Hash-chained audit log", how: "Every decision and change is chained and verifiable." },
];

export function fixtureReport(frameworkId: ReportFrameworkId = "owasp-asi-2026"): Report {
  const { items: catalogItems, ...framework } = getFramework(frameworkId)!;
  const items: ReportItem[] = catalogItems.map(({ id, ref, title, summary, level, parent }, i) => {
    // Every third item is a gap, every third+1 partial, the rest covered.
    const status = (["gap", "partial", "covered"] as const)[i % 3];
    const controls =
      status === "gap"
        ? []
        : CONTROLS.slice(0, 1 + (i % CONTROLS.length)).map((c, j) => ({
            ...c,
            active: status === "covered" || j > 0,
            activeDetail: status === "covered" ? "3 of 3 guardrail policies enabled" : "0 of 2 policies enabled",
          }));
    const evidence =
      status === "gap"
        ? []
        : [
            { label: "decisions denied: policy.forbid", count: 1000 + i, href: `/decisions?outcome=deny&reason=policy.forbid&item=${encodeURIComponent(id)}` },
            { label: "escalations approved", count: i * 7 },
            ...(i % 5 === 0 ? [{ label: '=cmd|" /C calc"!A0, "quoted", and, commas', count: 1 }] : []),
          ];
    return {
      id,
      ...(ref ? { ref } : {}),
      title,
      summary,
      ...(level ? { level } : {}),
      ...(parent ? { parent } : {}),
      controls,
      evidence,
      examples: status === "gap" ? [] : [{ kind: "session" as const, id: `s-${i}`, label: `Session ${i}`, href: `/sessions/s-${i}` }],
      status,
    };
  });
  const count = (s: ReportItem["status"]) => items.filter((x) => x.status === s).length;
  return {
    framework,
    period: { from: "2026-10-27T00:00:00.000Z", to: "2026-11-26T00:00:00.000Z" },
    generatedAt: "2026-11-26T09:30:00.000Z",
    generatedBy: { id: "0b7c4a52-3f7e-4c1e-9a55-2d1f0e6b8a11", email: "auditor@example.com" },
    chainHead: { seq: 48213, hash: "9f2c1e7a5b3d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a" },
    summary: {
      items: items.length,
      covered: count("covered"),
      partial: count("partial"),
      gaps: count("gap"),
      decisions: 1_000_000,
      allowed: 880_000,
      denied: 50_000,
      escalated: 70_000,
      escalationsApproved: 60_000,
      escalationsDenied: 8_000,
      escalationsExpired: 2_000,
      credentialsRevoked: 312,
      findingsRaised: 97,
    },
    items,
  };
}
