import { describe, expect, it } from "vitest";
import { findingFixes } from "@/lib/domain/findings";
import { dormantFinding, identityKey, orphanedFinding, staleKeyFinding } from "./identity-findings";

const o = { dormantDays: 30, keyMaxAgeDays: 90 };
const orphan = { id: "a1", name: "billing-bot", risk_tier: "low", owner_id: "u1", owner_found: true, owner_name: "Dana", owner_disabled_at: new Date("2026-11-01T10:00:00Z") };

describe("identity hygiene findings", () => {
  it("says why an agent is orphaned, and is more severe for a high-risk one", () => {
    const disabled = orphanedFinding(orphan);
    expect(disabled).toMatchObject({ kind: "agent_orphaned", severity: "medium", key: "idhyg:agent_orphaned:a1", agentId: "a1", title: "Orphaned agent: billing-bot's owner Dana is disabled" });
    expect(disabled.detail).toMatchObject({ owner: "disabled", ownerId: "u1", ownerDisabledAt: "2026-11-01T10:00:00.000Z" });
    const none = orphanedFinding({ ...orphan, owner_id: null, owner_found: false, owner_name: null, owner_disabled_at: null, risk_tier: "high" });
    expect(none).toMatchObject({ severity: "high", title: "Orphaned agent: billing-bot has no owner" });
    expect(none.detail.owner).toBe("none");
    expect(orphanedFinding({ ...orphan, owner_found: false, owner_name: null, owner_disabled_at: null }).detail.owner).toBe("removed");
  });

  it("links an orphaned agent to assigning an owner or retiring it", () => {
    const fix = findingFixes(orphanedFinding(orphan).detail.fix);
    expect(fix.map((f) => [f.action, f.href])).toEqual([
      ["assign_owner", "/agents/a1/edit"],
      ["retire", "/agents/a1"],
    ]);
    expect(fix[0].api).toEqual(["PATCH /api/v1/agents/a1"]);
  });

  it("dates a dormant agent from its last session, or from registration when it never had one", () => {
    const row = { id: "a2", name: "report-bot", created_at: "2026-06-01T00:00:00Z", last_session_at: new Date("2026-09-15T08:00:00Z"), live_credentials: 2 };
    const f = dormantFinding(row, o);
    expect(f).toMatchObject({ kind: "agent_dormant", key: "idhyg:agent_dormant:a2", title: "Dormant agent: report-bot has had no session since 2026-09-15 and still holds live credentials" });
    expect(f.detail).toMatchObject({ dormantDays: 30, lastSessionAt: "2026-09-15T08:00:00.000Z", liveCredentialsWhenRaised: 2 });
    expect(dormantFinding({ ...row, last_session_at: null }, o).title).toContain("no session since it was registered on 2026-06-01");
    expect(findingFixes(f.detail.fix).map((x) => x.action)).toEqual(["retire", "revoke_credentials"]);
  });

  it("keys a stale key by the key, and rotates before it revokes", () => {
    const f = staleKeyFinding({ credential_id: "c1", credential_name: "ci key", prefix: "wdn_ak_abc", issued_at: "2026-01-02T00:00:00Z", expires_at: null, agent_id: "a3", agent_name: "ci-bot" }, o);
    expect(f).toMatchObject({ kind: "agent_key_stale", key: identityKey("agent_key_stale", "c1"), agentId: "a3", credentialId: "c1" });
    expect(f.title).toBe("Key not rotated in 90 days: ci-bot's ci key (issued 2026-01-02) is its only way to authenticate");
    const [rotate] = findingFixes(f.detail.fix);
    expect(rotate).toEqual({ action: "rotate_key", label: "Rotate the key", href: "/agents/a3#credentials", api: ["POST /api/v1/agents/a3/keys", "POST /api/v1/credentials/c1/revoke"] });
  });
});
