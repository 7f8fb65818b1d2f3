import { describe, expect, it } from "vitest";
import { canonicalJson, eventHash, GENESIS_HASH, verifyRun, type ChainedFields } from "./chain";

const ev = (i: number): ChainedFields => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
  actorKind: "person",
  actorId: "u1",
  actorLabel: "a@b.c",
  action: "agent.created",
  targetKind: "agent",
  targetId: `t${i}`,
  agentId: null,
  sessionId: null,
  detail: { b: 1, a: { d: [1, 2], c: "x" } },
  requestId: null,
  ip: null,
});

function chain(n: number) {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const e = ev(i + 1);
    const hash = eventHash(prev, e);
    const row = { ...e, seq: i + 1, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

describe("audit hash chain", () => {
  it("canonical JSON ignores key order", () => {
    expect(canonicalJson({ b: 1, a: { y: 2, x: 1 } })).toBe(canonicalJson({ a: { x: 1, y: 2 }, b: 1 }));
  });

  it("verifies an intact chain and ignores extra row columns", () => {
    const rows = chain(5);
    const r = verifyRun(GENESIS_HASH, rows);
    expect(r).toEqual({ ok: true, lastHash: rows[4].hash });
  });

  it("points at the first edited event", () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], detail: { b: 2 } };
    expect(verifyRun(GENESIS_HASH, rows)).toEqual({ ok: false, break: { seq: 3, id: rows[2].id, problem: "hash_mismatch" } });
  });

  it("points at a removed event", () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verifyRun(GENESIS_HASH, rows)).toMatchObject({ ok: false, break: { seq: 3, problem: "prev_hash_mismatch" } });
  });
});
