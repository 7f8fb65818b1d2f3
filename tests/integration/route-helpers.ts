import { NextRequest } from "next/server";
import type { Db } from "../../lib/db/client";
import { createPerson } from "../../lib/services/people/create";
import { personCreateSchema } from "@/lib/domain/people/schemas";
import { createToken } from "../../lib/services/tokens/create";

/** The shape of every App Router handler under app/api, dynamic params included. */
export type RouteHandler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type RouteCall = { token?: string; method?: string; path?: string; body?: unknown; params?: Record<string, string> };

/**
 * A caller for route handlers as an HTTP client sees them: optional bearer token, JSON body,
 * method POST when there is a body. Every response text goes through `inspect` first, so a
 * file's "no secrets in any answer" check runs on each call.
 */
export function routeCaller(inspect: (text: string) => void) {
  return async function call(handler: RouteHandler, opts: RouteCall = {}) {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    const req = new NextRequest(`http://localhost${opts.path ?? "/api/v1/x"}`, {
      method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
    const text = await res.text();
    inspect(text);
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

export type Role = "admin" | "analyst" | "approver" | "auditor";

/** A person with a password and a one-day API token, created by the system as at bootstrap. */
export async function personWithToken(db: Db, email: string, role: Role) {
  const system = { actor: { kind: "system" as const, label: "test" } };
  const input = personCreateSchema.parse({ email, name: email.split("@")[0], role, password: "a long test password" });
  const p = (await createPerson(db, system, input)).person;
  const t = await createToken(db, { actor: { kind: "person", id: p.id, label: p.email } }, p.id, { name: "test", expiresInDays: 1 });
  return { id: p.id, email: p.email, token: t.token };
}
