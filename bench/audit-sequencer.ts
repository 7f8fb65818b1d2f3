// What the audit log's sequencer costs per event (issue 21: decisions within 5% with the log on):
// the CPU a pass takes in the process that runs it (the app process, beside the decision path
// on the same cores) and in Postgres, per 1,000 events sequenced, for passes of the sizes it
// runs under load (a pass at most every second, lib/services/audit-log/sequence.ts: ~10,000
// events at 10,000 decisions/s) and below it, and the fixed cost a pass pays whatever its size. The events are audit_events rows written in SQL (bench/audit-state.ts),
// chained as the sequencer checks; every pass is the real sequencePass on a fresh Postgres
// database. BENCH_SEQ_EVENTS (200,000) and BENCH_SEQ_BATCHES ("500,2500,10000") resize it.
import { hash } from "node:crypto";
import { sql } from "drizzle-orm";
import { leafHash, rootHash } from "../lib/audit/log/merkle";
import { sequencePass } from "../lib/audit/log/sequencer";
import { overTiles } from "../lib/audit/log/store";
import { openDatabase } from "../lib/db/client";
import { IncrementalTree } from "../sdk/audit/tree";
import { insertStandInRows } from "./audit-state";
import { postgresCpuMs } from "./authorize";
import { freshDatabase } from "./servers";

const EVENTS = Number(process.env.BENCH_SEQ_EVENTS ?? 200_000);
const BATCHES = (process.env.BENCH_SEQ_BATCHES ?? "500,2500,10000").split(",").map(Number);

export async function benchSequencer() {
  console.log(`\nSequencer passes: CPU per 1,000 events sequenced (${EVENTS.toLocaleString("en-US")} events per batch size, a fresh database each)`);
  console.log("| events per pass | passes | app process CPU | Postgres CPU | wall per pass p50 |\n| ---: | ---: | ---: | ---: | ---: |");
  const idleMs: number[] = [];
  for (const batch of BATCHES) {
    const database = await freshDatabase("warden_bench_seq");
    const h = await openDatabase({ kind: "postgres", url: database.url, poolSize: 2 });
    try {
      await insertStandInRows(h.db, EVENTS, new Map(), () => {});
      await h.db.execute(sql`vacuum analyze`);
      await h.db.execute(sql`checkpoint`);
      // Warm-up: plans and the pool, on the first tenth; left out of the figures.
      let size = 0;
      while (size < EVENTS / 10) {
        const r = await sequencePass(h.db, batch);
        if (r.busy || r.broken || r.appended === 0) throw new Error(`the sequencer stopped at ${size}: ${JSON.stringify(r)}`);
        size = r.size;
      }
      const walls: number[] = [];
      const cpu0 = process.cpuUsage();
      const pg0 = postgresCpuMs();
      const from = size;
      let passes = 0;
      while (size < EVENTS) {
        const t = performance.now();
        const r = await sequencePass(h.db, batch);
        walls.push(performance.now() - t);
        if (r.busy || r.broken || r.appended === 0) throw new Error(`the sequencer stopped at ${size}: ${JSON.stringify(r)}`);
        size = r.size;
        passes++;
      }
      const cpu = process.cpuUsage(cpu0);
      const pgMs = postgresCpuMs() - pg0;
      const per1k = (ms: number) => ((ms / (size - from)) * 1000).toFixed(2);
      walls.sort((a, b) => a - b);
      // The tree the passes built is the tree of the events: its root against one streamed from them.
      const streamed = new IncrementalTree();
      for (let i = 0; i < EVENTS; i++) streamed.push(leafHash(hash("sha256", `bench ${i}`, "buffer")));
      const stored = await overTiles(h.db, (tree) => rootHash(tree, EVENTS));
      if (!stored.equals(streamed.root())) throw new Error("the sequenced tree's root is not the root of the events");
      // The fixed cost: passes that find nothing new (the state row's transaction and statements).
      const idle0 = process.cpuUsage();
      for (let i = 0; i < 200; i++) await sequencePass(h.db, batch);
      const idle = process.cpuUsage(idle0);
      idleMs.push((idle.user + idle.system) / 1000 / 200);
      console.log(`| ${batch.toLocaleString("en-US")} | ${passes} | ${per1k((cpu.user + cpu.system) / 1000)} ms | ${per1k(pgMs)} ms | ${walls[Math.floor(walls.length / 2)].toFixed(1)} ms |`);
    } finally {
      await h.close();
      await database.drop();
    }
  }
  console.log(`a pass that finds nothing new: ${Math.min(...idleMs).toFixed(2)}–${Math.max(...idleMs).toFixed(2)} ms of app process CPU`);
}
