import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FeedCoalescer, type FeedNotice } from "./feed-coalescer";

const e = (sessionId: string, action = "decision.allow", agentId = "a1") => ({ sessionId, agentId, action });

describe("FeedCoalescer", () => {
  let sent: FeedNotice[];
  let fail: boolean;
  let feed: FeedCoalescer;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    fail = false;
    feed = new FeedCoalescer(async (n) => {
      if (fail) throw new Error("database unreachable");
      sent.push(n);
    }, 100);
  });
  afterEach(() => vi.useRealTimers());

  it("lets the first batch after a quiet spell carry its notice at once", () => {
    expect(feed.take([e("s1"), e("s1", "decision.deny")])).toEqual({ n: 2, sessions: ["s1"], agents: ["a1"], actions: ["decision.allow", "decision.deny"], truncated: false });
    expect(feed.hasPending).toBe(false);
  });

  it("merges what comes within the interval into the next batch's notice", () => {
    // Its own clock, so a batch can arrive after the interval and before the timer has run (a
    // busy event loop).
    let t = 1_000;
    const own = new FeedCoalescer(async (n) => void sent.push(n), 100, () => t);
    own.take([e("s1")]);
    t += 30;
    expect(own.take([e("s2")])).toBeNull();
    t += 30;
    expect(own.take([e("s3", "decision.escalate")])).toBeNull();
    t += 50; // 110 ms after the first notice
    expect(own.take([e("s4")])).toEqual({ n: 3, sessions: ["s2", "s3", "s4"], agents: ["a1"], actions: ["decision.allow", "decision.escalate"], truncated: false });
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([]); // the batch carried everything: the timer had nothing left to send
  });

  it("sends what is left by timer when no batch comes after it", async () => {
    feed.take([e("s1")]);
    vi.advanceTimersByTime(10);
    expect(feed.take([e("s2", "decision.escalate")])).toBeNull();
    await vi.advanceTimersByTimeAsync(89);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(sent).toEqual([{ n: 1, sessions: ["s2"], agents: ["a1"], actions: ["decision.escalate"], truncated: false }]);
    expect(feed.hasPending).toBe(false);
  });

  it("puts back the notice of a batch that wrote nothing, and sends it later", async () => {
    const notice = feed.take([e("s1")])!;
    feed.putBack(notice);
    expect(feed.hasPending).toBe(true);
    await vi.advanceTimersByTimeAsync(101);
    expect(sent).toEqual([notice]);
  });

  it("keeps the entries when the notice cannot be sent, and sends them with the next one", async () => {
    feed.take([e("s1")]);
    feed.take([e("s2")]);
    fail = true;
    await vi.advanceTimersByTimeAsync(101);
    expect(sent).toEqual([]);
    expect(feed.hasPending).toBe(true);
    fail = false;
    await vi.advanceTimersByTimeAsync(101);
    expect(sent).toEqual([{ n: 1, sessions: ["s2"], agents: ["a1"], actions: ["decision.allow"], truncated: false }]);
  });

  it("flush sends what is pending at once (a draining writer)", async () => {
    feed.take([e("s1")]);
    feed.take([e("s2")]);
    await feed.flush();
    expect(sent.map((n) => n.sessions)).toEqual([["s2"]]);
    await feed.flush(); // nothing left
    expect(sent).toHaveLength(1);
  });

  it("caps the lists as the trigger does and says the notice was truncated", async () => {
    feed.take([e("s0")]);
    const many = Array.from({ length: 45 }, (_, i) => e(`s${i + 1}`, `a.${i % 25}`, `g${i}`));
    expect(feed.take(many)).toBeNull();
    await vi.advanceTimersByTimeAsync(100);
    const [n] = sent;
    expect(n.n).toBe(45);
    expect(n.sessions).toHaveLength(40);
    expect(n.agents).toHaveLength(40);
    expect(n.actions).toHaveLength(20);
    expect(n.truncated).toBe(true);
  });

  it("a small merge stays untruncated, and entries without session or agent add only actions", () => {
    feed.take([{ action: "decision.allow" }]);
    vi.advanceTimersByTime(100);
    expect(feed.take([{ action: "decision.deny", sessionId: null, agentId: null }])).toEqual({ n: 1, sessions: [], agents: [], actions: ["decision.deny"], truncated: false });
  });
});
