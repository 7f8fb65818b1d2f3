import { systemClock, type Clock } from "@/lib/clock";
import { describeDatabaseFault } from "./faults";

/**
 * Whether this process can reach its database, as the requests it refuses tell it, so the log
 * says it once: one line when the first request is refused for an outage, one when the database
 * answers again, with how many requests were refused in between. Without it, an outage under
 * load wrote a stack trace per request (about 246,000 lines in five seconds).
 *
 * Requests report refusals (refused()); the end of the outage is found by a probe (`select 1`,
 * every probeMs) rather than by the next request that happens to succeed, so one answered while
 * the outage was being declared cannot end it early and start it again in the log. A probe that
 * succeeds while requests are still being refused does not end it either: on a full disk reads
 * work and writes fail, and the log said "unreachable" and "reachable again" every second. One
 * per runtime (lib/runtime.ts).
 */
export class DatabaseAvailability {
  /** `refusedAtProbe`: the count when the last probe ended (or the outage began). */
  private outage: { since: number; refused: number; cause: string; refusedAtProbe: number } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private probe: () => Promise<unknown>,
    private opts: { log?: (line: string, level: "error" | "info") => void; probeMs?: number; clock?: Clock } = {},
  ) {}

  /** True between the first refusal and the probe's first success. */
  get down(): boolean {
    return this.outage !== null;
  }

  /** Requests refused in the current outage (0 when there is none). */
  get refusedSoFar(): number {
    return this.outage?.refused ?? 0;
  }

  /** A request was refused because the database could not be reached (err says how). */
  refused(err: unknown): void {
    this.noticed(err);
    this.outage!.refused++;
  }

  /**
   * Background work (the sweeper, the webhook dispatcher) found the database unreachable: the
   * same outage, said once, but no request was refused.
   */
  noticed(err: unknown): void {
    if (this.outage) return;
    const cause = describeDatabaseFault(err);
    this.outage = { since: this.now(), refused: 0, cause, refusedAtProbe: 0 };
    this.log("error", `[warden] database unreachable (${cause}): decision endpoints answer 503 with a deny and Retry-After, other requests 503, until it answers again`);
    this.schedule();
  }

  /** The database answered (the probe, or a test): ends the outage, saying so once. */
  reachable(): void {
    const o = this.outage;
    if (!o) return;
    this.outage = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const seconds = ((this.now() - o.since) / 1000).toFixed(1);
    this.log("info", `[warden] database reachable again after ${seconds} s; ${o.refused} request${o.refused === 1 ? "" : "s"} refused meanwhile`);
  }

  /** Stops probing (the runtime is closing). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule() {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.probe().then(
        () => {
          const o = this.outage;
          if (o && o.refused > o.refusedAtProbe) {
            // Answers, yet requests were refused since the last probe: not over.
            o.refusedAtProbe = o.refused;
            this.schedule();
          } else this.reachable();
        },
        () => this.outage && this.schedule(),
      );
    }, this.opts.probeMs ?? 1000);
    this.timer.unref?.();
  }

  private now() {
    return (this.opts.clock ?? systemClock).now();
  }

  private log(level: "error" | "info", line: string) {
    if (this.opts.log) this.opts.log(line, level);
    else if (level === "error") console.error(line);
    else console.log(line);
  }
}
