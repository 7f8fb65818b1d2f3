// Builds a framework report (lib/reports/types.ts). Work in progress: the signature is final.
import type { Executor } from "@/lib/db/client";
import type { Report, ReportFrameworkId } from "./types";

export type ReportPeriod = { from: Date; to: Date };

export async function buildReport(db: Executor, person: { id: string; email: string }, frameworkId: ReportFrameworkId, period: ReportPeriod): Promise<Report> {
  void db;
  void person;
  void frameworkId;
  void period;
  throw new Error("buildReport: not implemented yet");
}
