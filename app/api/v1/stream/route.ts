import { withPerson, isUuid } from "@/lib/api/with-person";
import { DomainError } from "@/lib/errors";
import type { Change } from "@/lib/realtime/hub";
import { getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";

// Coalesce a burst of changes (a busy fleet commits decisions every few milliseconds) into one
// event per view at most this often; the view then refetches once.
const COALESCE_MS = 250;
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events for live views: `event: change` whenever something the view shows may have
 * changed (?session=<id>, ?agent=<id>, or nothing for every change), fed by the database's change
 * feed so changes made through any instance arrive. Views refetch on an event, and poll if the
 * stream drops.
 */
export const GET = withPerson(
  async ({ req }) => {
    const params = new URL(req.url).searchParams;
    const session = params.get("session");
    const agent = params.get("agent");
    if ((session && !isUuid(session)) || (agent && !isUuid(agent))) throw new DomainError("bad_request", "session and agent must be ids");
    const wants = (c: Change) => c.truncated || ((!session || c.sessions.includes(session)) && (!agent || c.agents.includes(agent)));

    const enc = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (text: string) => {
          try {
            controller.enqueue(enc.encode(text));
          } catch {
            cleanup();
          }
        };
        let pending: { seq: number; actions: Set<string> } | null = null;
        let timer: ReturnType<typeof setTimeout> | null = null;
        const flush = () => {
          timer = null;
          if (!pending) return;
          send(`event: change\ndata: ${JSON.stringify({ seq: pending.seq, actions: [...pending.actions].slice(0, 20) })}\n\n`);
          pending = null;
        };
        const unsubscribe = await (await getRuntime()).feed.subscribe((c) => {
          if (!wants(c)) return;
          pending ??= { seq: 0, actions: new Set() };
          pending.seq = Math.max(pending.seq, c.seq);
          for (const a of c.actions) pending.actions.add(a);
          timer ??= setTimeout(flush, COALESCE_MS);
        });
        const heartbeat = setInterval(() => send(": ping\n\n"), HEARTBEAT_MS);
        cleanup = () => {
          unsubscribe();
          clearInterval(heartbeat);
          if (timer) clearTimeout(timer);
          try {
            controller.close();
          } catch {}
        };
        req.signal.addEventListener("abort", cleanup);
        // Tells the browser to retry after 2 s if the connection drops, and the view that it is live.
        send("retry: 2000\nevent: ready\ndata: {}\n\n");
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", "x-accel-buffering": "no" },
    });
  },
  { can: "readInventory" },
);
