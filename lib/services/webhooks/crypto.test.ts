import { describe, expect, it } from "vitest";
import { decryptSecret, deriveWebhookKey, encryptSecret, newWebhookSecret, secretHint, sign, verifySignature } from "./crypto";

const body = JSON.stringify({ event: "escalation.created", escalation: { id: "e1" } });
const now = Date.UTC(2030, 0, 1, 12, 0, 0);
const t = Math.floor(now / 1000);

describe("webhook signatures", () => {
  const secret = newWebhookSecret();

  it("new secrets look like whsec_ + 32 random bytes and differ", () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(secret);
    expect(secretHint(secret)).toBe(secret.slice(-4));
  });

  it("a signature verifies with the same secret, body and a fresh timestamp", () => {
    const header = sign(secret, t, body);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, header, body, 300, now)).toBe(true);
    expect(verifySignature(secret, header, body, 300, now + 299_000)).toBe(true);
  });

  it("a tampered body fails", () => {
    const header = sign(secret, t, body);
    expect(verifySignature(secret, header, body.replace("e1", "e2"), 300, now)).toBe(false);
    expect(verifySignature(secret, header, `${body} `, 300, now)).toBe(false);
  });

  it("the wrong secret fails", () => {
    expect(verifySignature(newWebhookSecret(), sign(secret, t, body), body, 300, now)).toBe(false);
  });

  it("an old (or future) timestamp fails, also when re-signed with a forged t", () => {
    const header = sign(secret, t, body);
    expect(verifySignature(secret, header, body, 300, now + 301_000)).toBe(false);
    expect(verifySignature(secret, header, body, 300, now - 301_000)).toBe(false);
    // Moving t forward without the secret breaks the HMAC, which covers the timestamp.
    const forged = header.replace(`t=${t}`, `t=${t + 1000}`);
    expect(verifySignature(secret, forged, body, 300, now + 1_000_000)).toBe(false);
  });

  it("malformed headers fail without throwing", () => {
    for (const h of [null, undefined, "", "t=abc,v1=00", `t=${t}`, "v1=" + "0".repeat(64), `t=${t},v1=xyz`]) {
      expect(verifySignature(secret, h, body, 300, now)).toBe(false);
    }
  });

  it("any listed v1 may match", () => {
    const good = sign(secret, t, body).split("v1=")[1];
    expect(verifySignature(secret, `t=${t},v1=${"0".repeat(64)},v1=${good}`, body, 300, now)).toBe(true);
  });
});

describe("webhook secret encryption", () => {
  const key = deriveWebhookKey("app secret one");

  it("round trips, with a fresh IV each time", () => {
    const secret = newWebhookSecret();
    const a = encryptSecret(secret, key);
    const b = encryptSecret(secret, key);
    expect(a).toMatch(/^v1\./);
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret);
    expect(decryptSecret(a, key)).toBe(secret);
    expect(decryptSecret(b, key)).toBe(secret);
  });

  it("the key depends on the app secret, and the wrong key or a changed ciphertext fails", () => {
    const enc = encryptSecret("whsec_x", key);
    expect(deriveWebhookKey("app secret one").equals(key)).toBe(true);
    expect(() => decryptSecret(enc, deriveWebhookKey("app secret two"))).toThrow();
    const raw = Buffer.from(enc.slice(3), "base64url");
    raw[raw.length - 1] ^= 1;
    expect(() => decryptSecret(`v1.${raw.toString("base64url")}`, key)).toThrow();
    expect(() => decryptSecret("v0.abc", key)).toThrow();
  });
});
