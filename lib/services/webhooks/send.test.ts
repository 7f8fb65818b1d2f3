import { describe, expect, it } from "vitest";
import { verifySignature } from "./crypto";
import { postSigned, type FetchLike } from "./send";

const input = { url: "https://hooks.example.com/x", secret: "whsec_test", event: "escalation.created", deliveryId: "d-1", body: '{"a":1}' };

describe("postSigned", () => {
  it("POSTs the exact body, signed, without following redirects and with a timeout", async () => {
    let seen: { url: string; init: RequestInit } | undefined;
    const fetchImpl: FetchLike = async (url, init) => {
      seen = { url, init };
      return new Response(null, { status: 204 });
    };
    const r = await postSigned(fetchImpl, input);
    expect(r).toMatchObject({ ok: true, statusCode: 204, error: null });
    expect(seen!.url).toBe(input.url);
    expect(seen!.init).toMatchObject({ method: "POST", body: input.body, redirect: "manual" });
    expect(seen!.init.signal).toBeInstanceOf(AbortSignal);
    const headers = seen!.init.headers as Record<string, string>;
    expect(headers).toMatchObject({ "content-type": "application/json", "x-warden-event": "escalation.created", "x-warden-delivery": "d-1" });
    expect(verifySignature(input.secret, headers["x-warden-signature"], input.body)).toBe(true);
  });

  it("reports non-2xx answers, redirects and network errors as results, never throws", async () => {
    const status = (s: number): FetchLike => async () => new Response(null, { status: s, headers: s === 302 ? { location: "/x" } : {} });
    expect(await postSigned(status(500), input)).toMatchObject({ ok: false, statusCode: 500, error: "HTTP 500" });
    expect(await postSigned(status(302), input)).toMatchObject({ ok: false, statusCode: 302, error: expect.stringMatching(/redirects are not followed/) });
    const refused: FetchLike = async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    };
    expect(await postSigned(refused, input)).toMatchObject({ ok: false, statusCode: null, error: "fetch failed: ECONNREFUSED" });
    const slow: FetchLike = async () => {
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    };
    expect(await postSigned(slow, input)).toMatchObject({ ok: false, error: "timed out after 5 s" });
  });
});
