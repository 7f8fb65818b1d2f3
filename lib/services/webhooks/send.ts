import { DELIVERY_TIMEOUT_MS } from "@/lib/domain/webhooks/constants";
import { sign } from "./crypto";

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type SendInput = { url: string; secret: string; event: string; deliveryId: string; body: string };
export type SendResult = { ok: boolean; statusCode: number | null; error: string | null; durationMs: number };

const MAX_ERROR = 300;

/**
 * POSTs one signed notification. Never throws: every outcome is a result to record. Redirects
 * are not followed (a 3xx is a failure), so a receiver cannot bounce the signed payload
 * somewhere the admin never configured; the whole exchange is capped at 5 seconds.
 */
export async function postSigned(fetchImpl: FetchLike, input: SendInput): Promise<SendResult> {
  const started = Date.now();
  const t = Math.floor(started / 1000);
  try {
    const res = await fetchImpl(input.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Warden-Webhooks/1",
        "x-warden-event": input.event,
        "x-warden-delivery": input.deliveryId,
        "x-warden-signature": sign(input.secret, t, input.body),
      },
      body: input.body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    // The answer's body means nothing to us; dropping it frees the connection.
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? null : res.status >= 300 && res.status < 400 ? `HTTP ${res.status} (redirects are not followed)` : `HTTP ${res.status}`;
    return { ok, statusCode: res.status, error, durationMs: Date.now() - started };
  } catch (err) {
    return { ok: false, statusCode: null, error: describeError(err), durationMs: Date.now() - started };
  }
}

/** A short cause for the admin (refused, timed out, DNS), never a stack. */
function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `timed out after ${DELIVERY_TIMEOUT_MS / 1000} s`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return String(cause ? `${e.message ?? "request failed"}: ${cause}` : (e?.message ?? "request failed")).slice(0, MAX_ERROR);
}
