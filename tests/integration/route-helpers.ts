import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { serveMachineApi } from "../../lib/api/machine-listener";
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

export type ServedRoute = [method: string, path: RegExp, handler: RouteHandler];

/**
 * Warden's machine API on a real socket, as in production: the node:http decision listener
 * first, then the given route handlers (named groups of the path become params). A client that
 * goes away aborts its request, as Next does.
 */
export async function serveRoutes(routes: readonly ServedRoute[]): Promise<{ base: string; stop: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    if (serveMachineApi(req, res)) return;
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = routes.find(([m, re]) => m === req.method && re.test(url.pathname));
    if (!route) return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const ac = new AbortController();
    res.on("close", () => ac.abort());
    const r = await route[2](new NextRequest(url, { method: req.method, headers, body: body.length ? body : undefined, signal: ac.signal }), {
      params: Promise.resolve({ ...url.pathname.match(route[1])!.groups }),
    });
    res.writeHead(r.status, Object.fromEntries(r.headers)).end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
