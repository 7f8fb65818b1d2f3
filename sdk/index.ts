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

/** Thrown by guard() when Warden does not allow the call; the tool function never ran. */
export class WardenDenied extends Error {
  constructor(public decision: Decision) {
    super(`Warden ${decision.decision === "escalate" ? "did not approve" : "denied"}: ${decision.reasons.map((r) => r.code).join(", ") || "no reason"}`);
  }
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
    const res = await this.fetchImpl(new URL(path, this.opts.baseUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
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

  authorize(sessionId: string, action: Action): Promise<Decision> {
    return this.call("POST", "/api/v1/authorize", { sessionId, action });
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

  /** Waits until a person answers an escalation or it expires. */
  async waitForEscalation(id: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Escalation> {
    const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
    for (;;) {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      const e = await this.escalation(id, Math.max(0, Math.min(20, left)), opts.signal);
      if (e.status !== "pending" || left <= 0 || opts.signal?.aborted) return e;
    }
  }

  endSession(sessionId: string, reason = "task complete"): Promise<{ id: string; status: string; revokedCredentials: number }> {
    return this.call("POST", `/api/v1/sessions/${encodeURIComponent(sessionId)}/end`, { reason });
  }

  /**
   * Asks Warden before running `fn`. Allow: runs it. Escalate: waits for a person, then asks
   * again (the allow after an approval is a new decision that points at the approval). Deny, or
   * an escalation that is denied or expires: throws WardenDenied and `fn` never runs.
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
      const e = await this.waitForEscalation(d.escalationId, { timeoutMs: opts.timeoutMs, signal: opts.signal });
      if (e.status === "approved") d = await this.authorize(sessionId, action);
    }
    if (d.decision !== "allow") throw new WardenDenied(d);
    return fn();
  }
}
