/**
 * Keeps a server alive and quiet when whoever reads its output goes away (a log pipe closed:
 * `npm start | tee log` stopped, a supervisor's log collector restarted).
 *
 * A write to a closed pipe fails with EPIPE, which Node reports as an 'error' event on
 * process.stdout or process.stderr. Unheard, it becomes an uncaught exception, and Next's own
 * uncaughtException handler logs it with console.error: to the same closed stderr, which fails
 * again. Found in a real run: the app process looped on that at 100% of a core, answered no
 * request and ignored its front's exit. With a listener the failed write is only dropped:
 * there is nowhere left to write it, and Warden's evidence is in the database, not in its logs.
 */
export function tolerateClosedOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]) {
  for (const stream of streams) {
    if (stream.listenerCount("error") > 0) continue; // installed already (one process, two callers)
    stream.on("error", () => {});
  }
}
