import { describe, expect, it } from "vitest";
import { bodyOf, raisesEscalation, retryAt } from "./dispatcher";

describe("dispatcher helpers", () => {
  it("backs off 5 s, 30 s, 2 min, 10 min, 30 min", () => {
    const now = 1_000_000;
    expect([1, 2, 3, 4, 5, 6].map((a) => (retryAt(a, now).getTime() - now) / 1000)).toEqual([5, 30, 120, 600, 1800, 1800]);
  });

  it("puts the documented key order back (jsonb forgets it) and keeps unknown keys", () => {
    const body = bodyOf({ escalation: { url: "u", id: "e", extra: 1, kind: "action" }, occurredAt: "t", event: "escalation.created", deliveryId: "d" });
    expect(body).toBe('{"event":"escalation.created","deliveryId":"d","occurredAt":"t","escalation":{"id":"e","kind":"action","url":"u","extra":1}}');
  });

  it("wakes up for the audit actions that raise an escalation", () => {
    for (const a of ["decision.escalate", "credential.escalated", "session.pending", "session.intent_widening_requested"]) {
      expect(raisesEscalation({ actions: ["x.y", a] }), a).toBe(true);
    }
    expect(raisesEscalation({ actions: ["decision.allow", "session.opened", "notification.sent"] })).toBe(false);
  });
});
