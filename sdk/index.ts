// Warden SDK for agents: open a session with a declared intent, ask before every tool call,
// wait for a person when Warden escalates, end the session. No dependencies beyond fetch.

export type Sensitivity = "public" | "internal" | "confidential" | "restricted";

export type Intent = {
  goal: string;
  actions: string[];
  resources?: string[];
  maxSensitivity: Sensitivity;
  destinations?: string[];
  ttlSeconds: number;
};

export type Action = {
  connector: string;
  tool: string;
  operation: string;
  resource?: string;
  sensitivity?: Sensitivity;
  destination?: string;
  arguments?: unknown;
};

export type Reason = { code: string; message: string };
export type Decision = {
  decision: "allow" | "deny" | "escalate";
  reasons: Reason[];
  decisionId: string | null;
  /** On escalate: the escalation raised. On an allow after an approval: the approved one. */
  escalationId?: string;
  /** On an allow after an approval: the grant it used. */
  grantId?: string;
  diff?: { field: string; declared: unknown; actual: unknown }[];
  /** On a deny because Warden was unavailable (reason `warden.unavailable`): when to ask again. */
  retryAfterSeconds?: number;
};
export type Session = { id: string; status: "active" | "pending" | "denied"; intentVersion: number; expiresAt: string; reasons: Reason[]; escalationId?: string };
export type Escalation = { id: string; status: "pending" | "approved" | "denied" | "expired"; resolution?: string | null; grantId?: string | null };
export type CredentialRequest = { connector: string; operations: string[]; resources?: string[]; ttlSeconds?: number; name?: string };
export type IssuedCredential =
  | {
      decision: "allow";
      /** Shown once: a Warden token for the tool to introspect, or a database connection string. */
      secret: string;
      credential: { id: string; prefix: string; connector: string; scope: { operations: string[]; resources?: string[] }; expiresAt: string; sessionId: string };
    }
  | { decision: "escalate"; reasons: Reason[]; escalationId: string }
  | { decision: "deny"; reasons: Reason[] };

export class WardenError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The reason code of a deny Warden could not decide: it was unavailable or unreachable. */
export const UNAVAILABLE = "warden.unavailable";

/**
 * Warden could not answer: it said so (HTTP 503, its database unavailable; 502/504 from a proxy
 * in front of it) or could not be reached at all (`status` 0: refused, reset, timed out). Thrown
 * by every call except authorize(), which answers the same situation with `decision` itself (a
 * deny); guard() throws it as a WardenDenied. A WardenError, so existing handlers still catch it.
 */
export class WardenUnavailable extends WardenError {
  /** The deny this stands for: reason `warden.unavailable`, no decision recorded. */
  readonly decision: Decision;
  constructor(
    status: number,
    message: string,
    public retryAfterSeconds?: number,
    reasons?: Reason[],
  ) {
    super(status, "unavailable", message);
    this.name = "WardenUnavailable";
    this.decision = { decision: "deny", reasons: reasons?.length ? reasons : [{ code: UNAVAILABLE, message }], decisionId: null, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  }
}

/** Thrown by guard() when Warden does not allow the call; the tool function never ran. */
export class WardenDenied extends Error {
  constructor(public decision: Decision) {
    super(`Warden ${decision.decision === "escalate" ? "did not approve" : "denied"}: ${decision.reasons.map((r) => r.code).join(", ") || "no reason"}`);
  }

  /** Warden could not decide (unavailable or unreachable): the call may be asked again later. */
  get unavailable(): boolean {
    return this.decision.reasons.some((r) => r.code === UNAVAILABLE);
  }
}

// Statuses that mean "Warden is not there right now", from Warden (503) or a proxy before it.
const UNAVAILABLE_STATUS = new Set([502, 503, 504]);

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

function retryAfter(res: Response): number | undefined {
  const v = Number(res.headers.get("retry-after"));
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}

function isReasonList(v: unknown): v is Reason[] {
  return Array.isArray(v) && v.length > 0 && v.every((r) => typeof r?.code === "string" && typeof r?.message === "string");
}

export type WardenOptions = {
  baseUrl: string;
  /** A bootstrap key (wdn_ak_…) or a workload token (JWT-SVID / OIDC). */
  token: string | (() => string | Promise<string>);
  fetch?: typeof fetch;
};

export class Warden {
  private fetchImpl: typeof fetch;
  constructor(private opts: WardenOptions) {
    this.fetchImpl = opts.fetch ?? fetch;
  }

  private async call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const token = typeof this.opts.token === "function" ? await this.opts.token() : this.opts.token;
    let res: Response;
    try {
      res = await this.fetchImpl(new URL(path, this.opts.baseUrl), {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err; // the caller gave up: not Warden's doing
      const e = err as Error;
      const why = e?.name === "TimeoutError" ? "did not answer in time" : `is unreachable (${(e?.cause as Error)?.message ?? e?.message ?? String(err)})`;
      throw new WardenUnavailable(0, `Warden ${why}: nothing was decided; treat it as a deny and ask again later`);
    }
    const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string }; reasons?: unknown } | null;
    if (UNAVAILABLE_STATUS.has(res.status)) {
      const message = data?.error?.message ?? `Warden is unavailable (HTTP ${res.status}): nothing was decided; treat it as a deny and ask again later`;
      throw new WardenUnavailable(res.status, message, retryAfter(res), isReasonList(data?.reasons) ? data.reasons : undefined);
    }
    if (!res.ok) throw new WardenError(res.status, data?.error?.code ?? "error", data?.error?.message ?? `HTTP ${res.status}`);
    return data as T;
  }

  openSession(intent: Intent, opts: { parentSessionId?: string } = {}): Promise<Session> {
    return this.call("POST", "/api/v1/sessions", { intent, ...opts });
  }

  /** Narrowing is accepted at once; widening waits for a person (status "pending") or is denied. */
  changeIntent(sessionId: string, intent: Intent): Promise<{ id: string; status: "accepted" | "pending" | "denied"; intentVersion: number; reasons: Reason[]; escalationId?: string }> {
    return this.call("PATCH", `/api/v1/sessions/${encodeURIComponent(sessionId)}/intent`, intent);
  }

  /**
   * The decision for one tool call. When Warden is unavailable (503) or unreachable, the answer
   * is a deny with reason `warden.unavailable` (and `retryAfterSeconds`), never an error to
   * mistake for something else: the tool must not run. Other failures (401, 400, 404) throw.
   */
  async authorize(sessionId: string, action: Action): Promise<Decision> {
    try {
      return await this.call<Decision>("POST", "/api/v1/authorize", { sessionId, action });
    } catch (err) {
      if (err instanceof WardenUnavailable) return err.decision;
      throw err;
    }
  }

  /**
   * A just-in-time credential for this session's task: one connector, operations inside the
   * intent ("tool.operation"), revoked when the session ends. Beyond the intent it escalates.
   */
  requestCredential(sessionId: string, request: CredentialRequest): Promise<IssuedCredential> {
    return this.call("POST", "/api/v1/credentials", { sessionId, ...request });
  }

  /** Gives a just-in-time credential back as soon as the task no longer needs it (RFC 7009). */
  async returnCredential(secret: string): Promise<void> {
    await this.call("POST", "/api/v1/credentials/revoke", { token: secret });
  }

  /** Long-polls one escalation (up to 25 s per request). */
  escalation(id: string, waitSeconds = 20, signal?: AbortSignal): Promise<Escalation> {
    return this.call("GET", `/api/v1/escalations/${encodeURIComponent(id)}?wait=${waitSeconds}`, undefined, signal);
  }

  /**
   * Waits until a person answers an escalation or it expires. Warden unavailable or unreachable
   * meanwhile (an instance restarting, a database failover) does not end the wait: the
   * escalation is still there and a person may be deciding it, so it asks again after
   * Retry-After (1 s without one) until `timeoutMs`; only then is it thrown (WardenUnavailable).
   */
  async waitForEscalation(id: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Escalation> {
    const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
    for (;;) {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      let e: Escalation;
      try {
        e = await this.escalation(id, Math.max(0, Math.min(20, left)), opts.signal);
      } catch (err) {
        if (!(err instanceof WardenUnavailable) || opts.signal?.aborted || Date.now() >= deadline) throw err;
        await pause(Math.min(deadline - Date.now(), (err.retryAfterSeconds ?? 1) * 1000), opts.signal);
        continue;
      }
      if (e.status !== "pending" || left <= 0 || opts.signal?.aborted) return e;
    }
  }

  endSession(sessionId: string, reason = "task complete"): Promise<{ id: string; status: string; revokedCredentials: number }> {
    return this.call("POST", `/api/v1/sessions/${encodeURIComponent(sessionId)}/end`, { reason });
  }

  /**
   * Asks Warden before running `fn`. Allow: runs it. Escalate: waits for a person, then asks
   * again (the allow after an approval is a new decision that points at the approval). Deny, an
   * escalation that is denied or expires, or Warden unavailable or unreachable: throws
   * WardenDenied (`unavailable` true for the last) and `fn` never runs.
   */
  async guard<T>(
    sessionId: string,
    action: Action,
    fn: () => Promise<T> | T,
    opts: { waitForApproval?: boolean; timeoutMs?: number; signal?: AbortSignal; onEscalation?: (d: Decision) => void } = {},
  ): Promise<T> {
    let d = await this.authorize(sessionId, action);
    if (d.decision === "escalate" && d.escalationId && opts.waitForApproval !== false) {
      opts.onEscalation?.(d);
      const e = await this.waitForEscalation(d.escalationId, { timeoutMs: opts.timeoutMs, signal: opts.signal }).catch((err) => {
        // Warden stayed away until the wait ran out: as for authorize, a deny.
        if (err instanceof WardenUnavailable) throw new WardenDenied(err.decision);
        throw err;
      });
      if (e.status === "approved") d = await this.authorize(sessionId, action);
    }
    if (d.decision !== "allow") throw new WardenDenied(d);
    return fn();
  }
}
