import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { getAuthSecret } from "@/lib/auth/secret";
import type { Db } from "@/lib/db/client";

// A webhook's signing secret has to be usable (HMAC needs the plaintext), so unlike API keys it
// cannot be stored as a hash. It is encrypted with AES-256-GCM under a key derived from the app
// secret: a database dump alone does not let anyone forge Warden's notifications.

const PREFIX = "whsec_";
const FORMAT = "v1"; // stored as v1.<base64url(iv | tag | ciphertext)>
const HKDF_INFO = "warden webhook secrets";

/** A new signing secret: `whsec_` + 32 random bytes. */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString("base64url");
}

/** The last four characters, so people can tell secrets apart without seeing one. */
export const secretHint = (secret: string) => secret.slice(-4);

/** The 32-byte encryption key for webhook secrets, derived from the app secret. */
export function deriveWebhookKey(appSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", appSecret, Buffer.alloc(0), HKDF_INFO, 32));
}

let cached: { appSecret: string; key: Buffer } | undefined;

/** The key for this process's app secret (cached; the derivation is cheap but not free). */
export async function getWebhookKey(db: Db): Promise<Buffer> {
  const appSecret = await getAuthSecret(db);
  if (cached?.appSecret !== appSecret) cached = { appSecret, key: deriveWebhookKey(appSecret) };
  return cached.key;
}

export function encryptSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${FORMAT}.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64url")}`;
}

/** Throws when the value was not encrypted under this key (e.g. the app secret changed). */
export function decryptSecret(stored: string, key: Buffer): string {
  const [format, data] = stored.split(".");
  if (format !== FORMAT || !data) throw new Error("unknown webhook secret format");
  const raw = Buffer.from(data, "base64url");
  if (raw.length < 29) throw new Error("truncated webhook secret");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

function hmacHex(secret: string, timestamp: number, body: string) {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/**
 * The X-Warden-Signature header (Stripe-style): `t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `${t}.${body}`. The timestamp is signed too, so a captured request cannot be replayed later.
 */
export function sign(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * For receivers (and tests): true when `header` signs `body` with `secret` and its timestamp is
 * within `toleranceSeconds` of now. Any v1 entry may match, so a sender may list several.
 * Compare the raw request body, before any JSON parsing.
 */
export function verifySignature(secret: string, header: string | null | undefined, body: string, toleranceSeconds = 300, now = Date.now()): boolean {
  if (!header) return false;
  let t: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t" && /^\d{1,12}$/.test(v ?? "")) t = Number(v);
    else if (k === "v1" && /^[0-9a-f]{64}$/.test(v ?? "")) candidates.push(v);
  }
  if (t === null || candidates.length === 0) return false;
  if (Math.abs(Math.floor(now / 1000) - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), "hex");
  // Lengths are equal (both 32 bytes), so timingSafeEqual compares in constant time.
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, "hex"), expected));
}
