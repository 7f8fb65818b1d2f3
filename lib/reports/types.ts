// The shape every framework report has, whichever way it is shown or exported (page, JSON,
// CSV, PDF). Built by lib/reports/build.ts from the catalog (lib/frameworks), the control
// mapping and the evidence recorded in the chosen period.

import type { ReportFrameworkId } from "@/lib/frameworks/types";

// The framework ids are the catalog's (lib/frameworks/types.ts); re-exported for report code.
export { REPORT_FRAMEWORKS, type ReportFrameworkId } from "@/lib/frameworks/types";

export type ReportControl = {
  /** Stable id of a Warden control, e.g. "per-call-authorization", "detector.intent_drift". */
  id: string;
  name: string;
  /** How this control addresses the item, in one sentence. */
  how: string;
  /** Whether it is in force right now (e.g. its policy is enabled, the detector runs). */
  active: boolean;
  /** What "active" rests on, e.g. "3 of 3 guardrail policies enabled". */
  activeDetail: string;
};

export type ReportEvidence = {
  /** e.g. "decisions denied: policy.forbid", "escalations approved", "credentials revoked". */
  label: string;
  count: number;
  /** A dashboard link listing exactly what was counted (filters in the URL), when one exists. */
  href?: string;
};

export type ReportExample = { kind: "session" | "event" | "finding" | "escalation" | "credential"; id: string; label: string; href: string };

export type ReportItem = {
  /** The framework's identifier, exactly as in the reference (e.g. "ASI01", "GOVERN 1.6", "L7"). */
  id: string;
  /** The official reference form where the framework has one (e.g. "ASI01:2026"). */
  ref?: string;
  title: string;
  /** Our own words, never quoted from the source. */
  summary: string;
  /** NIST AI RMF: function / category / subcategory; parent id for the latter two. */
  level?: string;
  parent?: string;
  controls: ReportControl[];
  evidence: ReportEvidence[];
  examples: ReportExample[];
  /** covered: an active control and evidence or a preventive control; partial: mapped but inactive
   *  or only partly addressed; gap: nothing in Warden addresses it. Gaps are shown, not hidden. */
  status: "covered" | "partial" | "gap";
  /** For items Warden addresses only in part: what lies outside it. */
  note?: string;
};

export type ReportCheckpoint = { size: number; root: string; keyId: string };

export type Report = {
  framework: { id: ReportFrameworkId; name: string; shortName: string; version: string; publisher: string; sourceUrl: string };
  period: { from: string; to: string };
  generatedAt: string;
  generatedBy: { id: string; email: string };
  /** The audit chain head when the report was computed: its seq and hash. */
  chainHead: { seq: number; hash: string };
  /**
   * The signed audit-log checkpoint made for this export (docs/audit-log.md): the tree's size,
   * base64 root and signing key id. Covers the chain head; absent when none could be signed.
   */
  checkpoint?: ReportCheckpoint;
  summary: { items: number; covered: number; partial: number; gaps: number; decisions: number; allowed: number; denied: number; escalated: number; escalationsApproved: number; escalationsDenied: number; escalationsExpired: number; credentialsRevoked: number; findingsRaised: number };
  items: ReportItem[];
};
