import { GroupWriter } from "@/lib/audit/group-writer";
import type { Db } from "@/lib/db/client";
import { freshEngine, getActiveEngine, type ActiveEngine } from "../policies/active-engine";

const g = globalThis as unknown as { __wardenWriter?: { db: Db; writer: GroupWriter } };

type Runtime = { writer: GroupWriter; engine: ActiveEngine };

/** The process-wide group-commit writer and the active policy set for the decision path. */
export async function getDecisionRuntime(db: Db): Promise<Runtime> {
  return decisionRuntimeNow(db) ?? { writer: writerFor(db), engine: await getActiveEngine(db) };
}

/** The same, without an await, when the policy set is fresh (nearly always). */
export function decisionRuntimeNow(db: Db): Runtime | undefined {
  const engine = freshEngine(db);
  return engine && { writer: writerFor(db), engine };
}

function writerFor(db: Db): GroupWriter {
  if (!g.__wardenWriter || g.__wardenWriter.db !== db) g.__wardenWriter = { db, writer: new GroupWriter(db) };
  return g.__wardenWriter.writer;
}
