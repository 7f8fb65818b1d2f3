import { GroupWriter } from "@/lib/audit/group-writer";
import type { Db } from "@/lib/db/client";
import { getActiveEngine, type ActiveEngine } from "../policies/active-engine";

const g = globalThis as unknown as { __wardenWriter?: { db: Db; writer: GroupWriter } };

/** The process-wide group-commit writer and the active policy set for the decision path. */
export async function getDecisionRuntime(db: Db): Promise<{ writer: GroupWriter; engine: ActiveEngine }> {
  if (!g.__wardenWriter || g.__wardenWriter.db !== db) g.__wardenWriter = { db, writer: new GroupWriter(db) };
  return { writer: g.__wardenWriter.writer, engine: await getActiveEngine(db) };
}
