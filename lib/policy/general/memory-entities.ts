// An in-memory EntityLookup: for tests and benchmarks now, and the shape the entity index of a
// later step (fed from the `entities` table) answers to. Ancestors are memoised and the memo is
// dropped on any change, since one new parent edge can change the ancestry of many entities.
import { uidKey, type Uid } from "../cedar/schema";
import type { EntityLookup, StoredEntity } from "./request";
import { qualified } from "./schema-model";

export type EntityRecord = { namespace: string; type: string; id: string } & StoredEntity;

export class MemoryEntities implements EntityLookup {
  private readonly rows = new Map<string, StoredEntity>();
  private readonly memo = new Map<string, readonly Uid[]>();

  constructor(records: Iterable<EntityRecord> = []) {
    for (const r of records) this.put(r);
  }

  put(r: EntityRecord): void {
    this.rows.set(uidKey(qualified(r.namespace, r.type), r.id), { properties: r.properties, parents: r.parents });
    this.memo.clear();
  }

  delete(namespace: string, type: string, id: string): void {
    this.rows.delete(uidKey(qualified(namespace, type), id));
    this.memo.clear();
  }

  get(ns: string, type: string, id: string): StoredEntity | undefined {
    return this.rows.get(uidKey(qualified(ns, type), id));
  }

  /** Breadth first over stored parents; a parent that is not stored still counts (and ends there). */
  ancestors(uid: Uid): readonly Uid[] {
    const start = uidKey(uid.type, uid.id);
    const done = this.memo.get(start);
    if (done) return done;
    const seen = new Set([start]); // a cycle back to the start is cut, not reported as an ancestor
    const out: Uid[] = [];
    const queue = [...(this.rows.get(start)?.parents ?? [])];
    while (queue.length) {
      const p = queue.shift()!;
      const k = uidKey(p.type, p.id);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(p);
      queue.push(...(this.rows.get(k)?.parents ?? []));
    }
    this.memo.set(start, out);
    return out;
  }
}
