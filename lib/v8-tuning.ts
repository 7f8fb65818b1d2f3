import v8 from "node:v8";

/**
 * Imported first by server.ts, before any other code has run hot.
 *
 * V8's allocation-site pretenuring learns during a burst (the warm-up, or any busy minute)
 * that some allocation sites on the decision path produce long-lived objects, and from then on
 * allocates their objects straight in the old generation: the pg driver's bind buffer for each
 * batch, among others. They are not long-lived. Dead in the old generation, they still point at
 * young objects, which every young collection then keeps and promotes in turn, until a full
 * collection clears the lot. Measured at a steady 1,000 decisions/s (docs/benchmarks.md): 2.9 KB
 * promoted per decision with pretenuring, 1.2 KB without (a bare node:http server promotes
 * 0.7 KB per request by itself), so the old generation fills more slowly and full collections,
 * each of which held the event loop for 10–26 ms in all, come less often. Server CPU per
 * decision at saturation was the same.
 *
 * The flag is read by the collector whenever it decides, so setting it at start-up suffices.
 */
v8.setFlagsFromString("--no-allocation-site-pretenuring");

/**
 * How far the old generation may grow past what the last full collection kept, before the
 * next one. V8 picks this from how fast the program allocates, to keep collection near 3% of
 * its time; at a steady 1,000 decisions/s the server allocates slowly, so V8 chose its smallest
 * headroom and ran a full collection every 4 s (7–8 in a 30 s steady run, each holding the event
 * loop for milliseconds), and the p99 at that rate was 7.7–8 ms in those runs against 4.6–6 ms
 * in runs with 1–2 (docs/benchmarks.md, fourth session). A fixed factor of 4, the most V8
 * itself grants a busy heap, lets the old generation grow to four times its live size (about
 * 50 MB live here, so up to ~200 MB) and keeps full collections a minute or more apart at that
 * rate. Like pretenuring, the collector reads this each time it sets a limit.
 */
v8.setFlagsFromString("--heap-growing-percent=300");
