import { beforeEach, describe, expect, it, vi } from "vitest";

// The decision path itself is the integration tests' (tests/integration/database-outage.int.test.ts);
// here only what a batch does when the database goes away part-way through it.
const authorize = vi.hoisted(() => vi.fn());
vi.mock("../decisions/authorize", () => ({ authorize }));

import { evaluateMany } from "./evaluate";
import type { EvaluateDeps } from "./evaluate";
import type { ParsedEvaluations, WardenEvaluation } from "./map";

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
const agent = { id: "a", name: "bot", identity: "bot", riskTier: "low", status: "active", team: "t", envelope: {}, via: "key" } as unknown as EvaluateDeps["agent"];
const deps = { agent, meta: { requestId: "r" } } as unknown as EvaluateDeps;
const one: WardenEvaluation = { subject: { type: "agent", id: "bot" }, input: { sessionId: "00000000-0000-4000-8000-000000000000", action: { connector: "c", tool: "t", operation: "o" } } };
const batch = (n: number, semantic: "execute_all" | "permit_on_first_permit" = "execute_all"): ParsedEvaluations => ({ kind: "batch", semantic, evaluations: Array(n).fill(one) });

describe("an AuthZEN batch when the database goes away", () => {
  // Braces: a function returned from beforeEach is run as its teardown, and mockReset returns the mock.
  beforeEach(() => {
    authorize.mockReset();
  });

  it("before any decision: the whole request fails, so the route answers the 503", async () => {
    authorize.mockRejectedValue(refused);
    await expect(evaluateMany(deps, batch(3))).rejects.toBe(refused);
    expect(authorize).toHaveBeenCalledTimes(1);
  });

  it("part-way: the decisions made stand, the rest answer unavailable (decision false) without being tried", async () => {
    authorize.mockResolvedValueOnce({ decision: "allow", reasons: [], decisionId: "d1" }).mockRejectedValue(refused);
    const r = (await evaluateMany(deps, batch(4, "permit_on_first_permit"))) as { evaluations: { decision: boolean; context?: Record<string, unknown> }[] };
    // permit_on_first_permit would have stopped at the first true: one answer.
    expect(r.evaluations).toHaveLength(1);
    authorize.mockReset();
    authorize.mockResolvedValueOnce({ decision: "deny", reasons: [{ code: "x", message: "y" }], decisionId: "d1" }).mockRejectedValue(refused);
    const all = (await evaluateMany(deps, batch(4))) as { evaluations: { decision: boolean; context?: Record<string, unknown> }[] };
    expect(all.evaluations.map((e) => e.decision)).toEqual([false, false, false, false]);
    expect(all.evaluations[0].context?.decisionId).toBe("d1");
    for (const e of all.evaluations.slice(1)) expect(e.context).toMatchObject({ error: { status: 503 }, reasons: [{ code: "warden.unavailable" }] });
    expect(authorize).toHaveBeenCalledTimes(2);
  });

  it("a failure that is not an outage stays a per-evaluation error, logged, and the batch goes on", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      authorize.mockRejectedValueOnce(new TypeError("a bug")).mockResolvedValue({ decision: "allow", reasons: [], decisionId: "d2" });
      const r = (await evaluateMany(deps, batch(2))) as { evaluations: { decision: boolean; context?: Record<string, unknown> }[] };
      expect(r.evaluations.map((e) => e.decision)).toEqual([false, true]);
      expect(r.evaluations[0].context).toMatchObject({ error: { status: 503 }, reasons: [{ code: "audit.unavailable" }] });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("an AuthZEN batch with an item that could not be mapped", () => {
  beforeEach(() => {
    authorize.mockReset();
  });
  const fault = { fault: { status: 400, message: "resource: is required (in the evaluation or as a top-level default)" } };
  const items = (semantic: "execute_all" | "deny_on_first_deny" | "permit_on_first_permit"): ParsedEvaluations => ({ kind: "batch", semantic, evaluations: [fault, one, one] });

  it("answers it closed with its error, without deciding it, and decides the others", async () => {
    authorize.mockResolvedValue({ decision: "allow", reasons: [], decisionId: "d" });
    const r = (await evaluateMany(deps, items("execute_all"))) as { evaluations: unknown[] };
    expect(r.evaluations).toEqual([{ decision: false, context: { error: fault.fault } }, { decision: true, context: { decisionId: "d" } }, { decision: true, context: { decisionId: "d" } }]);
    expect(authorize).toHaveBeenCalledTimes(2);
  });

  it("counts it as a denial: deny_on_first_deny stops there, permit_on_first_permit goes on", async () => {
    authorize.mockResolvedValue({ decision: "allow", reasons: [], decisionId: "d" });
    expect(((await evaluateMany(deps, items("deny_on_first_deny"))) as { evaluations: unknown[] }).evaluations).toHaveLength(1);
    expect(authorize).not.toHaveBeenCalled();
    const p = (await evaluateMany(deps, items("permit_on_first_permit"))) as { evaluations: { decision: boolean }[] };
    expect(p.evaluations.map((e) => e.decision)).toEqual([false, true]);
    expect(authorize).toHaveBeenCalledTimes(1);
  });
});
