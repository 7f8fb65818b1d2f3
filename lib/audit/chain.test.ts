import { describe, expect, it } from "vitest";
import { canonicalJson, eventHash, eventPayload, eventPayloadGeneric, GENESIS_HASH, verifyRun, type ChainedFields } from "./chain";

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

describe("the fast event payload", () => {
  it("is byte for byte the generic canonical form, for varied and awkward events", () => {
    const awkward = ["", "ü\u2028\"\\", "$$'", "null", "{}", "\u0001"];
    for (let i = 0; i < 200; i++) {
      const pick = <T,>(xs: T[]) => xs[i % xs.length];
      const e: ChainedFields = {
        ...ev(i),
        actorKind: pick(["person", "agent", "system"]),
        actorId: pick([null, "u1", awkward[i % awkward.length]]),
        actorLabel: pick(awkward),
        targetKind: pick([null, "decision"]),
        targetId: pick([null, awkward[(i + 1) % awkward.length]]),
        agentId: pick([null, "00000000-0000-4000-8000-000000000001"]),
        sessionId: pick([null, "00000000-0000-4000-8000-000000000002"]),
        detail: pick([{}, { z: [1, { b: null, a: "x" }], a: awkward[i % awkward.length] }, { nested: { deep: { k: 1.5, j: true } } }]),
        requestId: pick([null, "req-1", awkward[(i + 2) % awkward.length]]),
        ip: pick([null, "10.0.0.1"]),
      };
      expect(eventPayload(e)).toBe(eventPayloadGeneric(e));
    }
  });
});
