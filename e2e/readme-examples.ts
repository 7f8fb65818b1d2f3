import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, request, type APIRequestContext } from "@playwright/test";

export { freePort } from "../tests/processes";

// The README's fenced examples, and what running one as written takes: the text of a block,
// placeholders swapped for real values (each swap must find its placeholder, so an edited
// README fails here instead of running something else), and a shell to run it in.

export const ROOT = path.resolve(__dirname, "..");

export type Block = { key: string; heading: string; lang: string; text: string; line: number };

/** Every fenced block of README.md, keyed by the heading it sits under and its place there ("Roles #1"). */
export function readmeBlocks(file = path.join(ROOT, "README.md")): Block[] {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const out: Block[] = [];
  const counts = new Map<string, number>();
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*$/.exec(lines[i]);
    if (!fence) {
      const h = /^#{1,4} (.+)$/.exec(lines[i]);
      if (h) heading = h[1].trim();
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    const n = (counts.get(heading) ?? 0) + 1;
    counts.set(heading, n);
    out.push({ key: `${heading} #${n}`, heading, lang: fence[1], text: body.join("\n"), line: start + 1 });
  }
  return out;
}

export function block(key: string): Block {
  const b = readmeBlocks().find((x) => x.key === key);
  if (!b) throw new Error(`README has no block "${key}"`);
  return b;
}

/** The text with each placeholder replaced (every occurrence); a placeholder not in the text is an error. */
export function fill(text: string, swaps: readonly (readonly [string, string])[]): string {
  for (const [from, to] of swaps) {
    if (!text.includes(from)) throw new Error(`the README example no longer contains ${JSON.stringify(from)}`);
    text = text.split(from).join(to);
  }
  return text;
}

/** Runs a shell script to completion (bash, -e and pipefail on); stdout, stderr and exit code. */
export function sh(script: string, opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-eo", "pipefail", "-c", script], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** A long-running script (a server) in its own process group; stop() ends the whole group. */
export function startScript(script: string, opts: { env?: Record<string, string>; cwd?: string }): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn("bash", ["-c", script], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    output: () => out,
    stop: async () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        return;
      }
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {}
      }, 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Waits until `base`/api/health answers 200 (or the script behind it has exited). */
export async function waitForHealth(base: string, script: { child: ChildProcess; output: () => string }, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (script.child.exitCode !== null) throw new Error(`the server exited (${script.child.exitCode}):\n${script.output().slice(-3000)}`);
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return;
    if (Date.now() > until) throw new Error(`${base} did not come up:\n${script.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Signs a person in through next-auth's credentials endpoint, as the sign-in form does; a request context holding the session. */
export async function signedIn(base: string, email: string, password: string): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL: base, extraHTTPHeaders: { origin: base } });
  const { csrfToken } = await (await ctx.get("/api/auth/csrf")).json();
  const r = await ctx.post("/api/auth/callback/credentials", { form: { csrfToken, email, password, json: "true" } });
  expect(r.status(), await r.text()).toBeLessThan(400);
  const me = await ctx.get("/api/v1/me");
  expect(me.status(), `${email} could not sign in`).toBe(200);
  return ctx;
}
