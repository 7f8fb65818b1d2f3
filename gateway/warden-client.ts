// The gateway's side of Warden's machine API: the SDK (sdk/index.ts) with a timeout on every
// request and strict checks on every answer. Anything that is not a well-formed answer becomes a
// WardenUnavailable, and the gateway never forwards a call on one. Warden unavailable (503) or
// unreachable or slow is a deny: authorize answers it as one (reason warden.unavailable, from the
// SDK), and the other calls throw a WardenUnavailable that carries that deny (`decision`).
import { Warden, WardenError, WardenUnavailable as SdkUnavailable, type Action, type Decision, type Escalation, type Intent, type Session } from "../sdk";

export class WardenUnavailable extends Error {
  constructor(
    message: string,
    /** Set when Warden was unavailable or unreachable rather than answering badly: the deny it stands for. */
    readonly decision?: Decision,
  ) {
    super(message);
    this.name = "WardenUnavailable";
  }
}

export type WardenClientOptions = { baseUrl: string; token: string | (() => string | Promise<string>); timeoutMs: number; fetch?: typeof fetch };

const DECISIONS = new Set(["allow", "deny", "escalate"]);
const ESCALATION_STATES = new Set(["pending", "approved", "denied", "expired"]);

export class WardenClient {
  private sdk: Warden;
  constructor(private opts: WardenClientOptions) {
    const base = opts.fetch ?? fetch;
    // Long-polls get their wait on top of the timeout.
    const timed: typeof fetch = (input, init) => {
      const wait = Number(new URL(String(input instanceof Request ? input.url : input)).searchParams.get("wait") ?? "0");
      const timeout = AbortSignal.timeout(opts.timeoutMs + (Number.isFinite(wait) ? wait * 1000 : 0));
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      return base(input, { ...init, signal });
    };
    this.sdk = new Warden({ baseUrl: opts.baseUrl, token: opts.token, fetch: timed });
  }

  private async call<T>(what: string, fn: () => Promise<unknown>, check: (v: unknown) => v is T, signal?: AbortSignal): Promise<T> {
    let v: unknown;
    try {
      v = await fn();
    } catch (err) {
      if (signal?.aborted) throw err;
      if (err instanceof SdkUnavailable) throw new WardenUnavailable(`${err.message} (during ${what})`, err.decision);
      if (err instanceof WardenError) throw new WardenUnavailable(`Warden refused ${what}: HTTP ${err.status} ${err.code}: ${err.message}`);
      const e = err as Error;
      const why = e?.name === "TimeoutError" || e?.name === "AbortError" ? `timed out after ${this.opts.timeoutMs} ms` : `unreachable (${e?.message ?? String(err)})`;
      throw new WardenUnavailable(`Warden ${why} during ${what}`);
    }
    if (!check(v)) throw new WardenUnavailable(`Warden answered ${what} with an unexpected body`);
    return v;
  }

  openSession(intent: Intent): Promise<Session> {
    return this.call("open session", () => this.sdk.openSession(intent), isSession);
  }

  authorize(sessionId: string, action: Action, signal?: AbortSignal): Promise<Decision> {
    return this.call("authorize", () => this.sdk.authorize(sessionId, action), isDecision, signal);
  }

  /** Waits for a person, up to timeoutMs; still "pending" when the wait ran out. */
  waitForEscalation(id: string, timeoutMs: number, signal?: AbortSignal): Promise<Escalation> {
    return this.call("escalation wait", () => this.sdk.waitForEscalation(id, { timeoutMs, signal }), isEscalation, signal);
  }

  endSession(sessionId: string, reason: string) {
    return this.call("end session", () => this.sdk.endSession(sessionId, reason), (v): v is { id: string; status: string } => isObject(v) && typeof v.status === "string");
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isReasons(v: unknown): boolean {
  return Array.isArray(v) && v.every((r) => isObject(r) && typeof r.code === "string" && typeof r.message === "string");
}

function isDecision(v: unknown): v is Decision {
  if (!isObject(v) || typeof v.decision !== "string" || !DECISIONS.has(v.decision) || !isReasons(v.reasons)) return false;
  if (v.decision === "escalate" && typeof v.escalationId !== "string") return false;
  return true;
}

function isSession(v: unknown): v is Session {
  return isObject(v) && typeof v.id === "string" && typeof v.status === "string" && (v.reasons === undefined || isReasons(v.reasons));
}

function isEscalation(v: unknown): v is Escalation {
  return isObject(v) && typeof v.status === "string" && ESCALATION_STATES.has(v.status);
}
