// Issue 3's speed targets, checked against one run's figures and printed as met / not met, each
// with the figure it rests on: the reader should not have to do the comparison by hand.

export type SaturationFigures = { generator: string; rps: number; p99: number; bareRps: number };
export type SteadyFigures = { sender: string; p99: number };

export const TARGETS = { rps: 8000, saturationP99: 15, steadyP99: 5, ratio: 0.1 } as const;

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

export function targetLines(saturations: SaturationFigures[], steady: SteadyFigures[], committed: { decisions: number; audited: number }): string[] {
  const lines: string[] = [];
  for (const s of saturations) {
    lines.push(`≥ ${n(TARGETS.rps)} decisions/s with p99 < ${TARGETS.saturationP99} ms at 50 connections (${s.generator}): ${verdict(s.rps >= TARGETS.rps && s.p99 < TARGETS.saturationP99)} — ${n(s.rps)}/s, p99 ${s.p99} ms`);
    const ratio = s.rps / s.bareRps;
    lines.push(`warden / bare ≥ ${TARGETS.ratio} (${s.generator}): ${verdict(ratio >= TARGETS.ratio)} — ${ratio.toFixed(3)}`);
  }
  for (const s of steady) lines.push(`p99 < ${TARGETS.steadyP99} ms at a steady 1,000/s (${s.sender}): ${verdict(s.p99 < TARGETS.steadyP99)} — p99 ${s.p99} ms`);
  lines.push(`every decision committed with its audit event: ${verdict(committed.decisions === committed.audited)} — ${n(committed.audited)} of ${n(committed.decisions)}`);
  return lines;
}

/** Issue 22: 1,000 general policies cost at most this many times what 10 do (bench/general-policies.ts). */
export const GENERAL_POLICY_TARGET = { ratio: 1.5 } as const;

/** `ratio` = time per decision with 1,000 policies over time per decision with 10. */
export function generalPolicyTargetLine(ratio: number): string {
  return `1,000 vs 10 general policies, time per decision ≤ ${GENERAL_POLICY_TARGET.ratio}x: ${verdict(ratio <= GENERAL_POLICY_TARGET.ratio)} — x${ratio.toFixed(2)}`;
}
