import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { joinLiveChannel } from "./use-live";

// A browser's EventSource reconnects by itself after a dropped connection, but gives up for good
// on an answer that is not a stream: a 503 while the database is away, a 502 from a proxy while
// an instance restarts. The live views' channel then opens a new one, so pages go live again by
// themselves (they poll meanwhile).
class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, (() => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, fn: () => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(type: string) {
    if (type === "ready") this.readyState = FakeEventSource.OPEN;
    for (const fn of this.listeners.get(type) ?? []) fn();
  }
  /** The connection dropped (the browser will retry) or was refused (`closed`: it will not). */
  fail(closed: boolean) {
    this.readyState = closed ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    this.onerror?.();
  }
}

describe("the live channel", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeEventSource.all = [];
    vi.stubGlobal("EventSource", FakeEventSource);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("opens a new stream after the browser gave up on one, and leaves a retrying one alone", () => {
    const live: boolean[] = [];
    let changes = 0;
    const leave = joinLiveChannel("session=s1", { onLive: (v) => live.push(v), onChange: () => changes++ });
    const first = FakeEventSource.all[0];
    expect(first.url).toBe("/api/v1/stream?session=s1");
    first.emit("ready");
    expect(live).toEqual([true]);

    first.fail(false); // dropped: the browser reconnects this same EventSource
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.all).toHaveLength(1);
    first.emit("ready");

    first.fail(true); // a 503: the browser gave up
    expect(live.at(-1)).toBe(false);
    vi.advanceTimersByTime(1_999);
    expect(FakeEventSource.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.all).toHaveLength(2);
    const second = FakeEventSource.all[1];
    second.fail(true); // still refused: the next try waits longer
    vi.advanceTimersByTime(4_999);
    expect(FakeEventSource.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    const third = FakeEventSource.all[2];
    const before = changes;
    third.emit("ready");
    expect(live.at(-1)).toBe(true);
    expect(changes).toBe(before + 1); // catch up on what happened meanwhile
    third.emit("change");
    expect(changes).toBe(before + 2);

    third.fail(true);
    leave(); // the last view left: no stream is opened again
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.all).toHaveLength(3);
    expect(third.readyState).toBe(FakeEventSource.CLOSED);
  });
});
