import { describe, expect, it, vi } from "vitest";
import { DomainError } from "@/lib/errors";
import { backgroundFailure, describeDatabaseFault, isDatabaseUnavailable } from "./faults";

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: "FATAL" });
const socket = (code: string, syscall = "connect") => Object.assign(new Error(`${syscall} ${code} 127.0.0.1:5432`), { code, errno: -111, syscall });
// drizzle-orm wraps the driver's error as the cause of a DrizzleQueryError.
const wrapped = (cause: unknown) => Object.assign(new Error("Failed query: select 1\nparams: "), { name: "DrizzleQueryError", cause });

describe("database faults", () => {
  it("recognises an unreachable or unavailable server, however it is wrapped", () => {
    const faults = [
      socket("ECONNREFUSED"),
      socket("ECONNRESET", "read"),
      socket("ETIMEDOUT"),
      socket("EHOSTUNREACH"),
      socket("ENOTFOUND", "getaddrinfo"),
      socket("ENOENT"), // a Unix socket that is not there
      new Error("Connection terminated unexpectedly"),
      new Error("Connection terminated due to connection timeout"),
      new Error("timeout exceeded when trying to connect"),
      new Error("timeout expired"), // pg's own connectionTimeoutMillis
      new Error("Cannot use a pool after calling end on the pool"),
      new Error("PGlite is closed"),
      pgError("57P01", "terminating connection due to administrator command"),
      pgError("57P02", "terminating connection because of crash of another server process"),
      pgError("57P03", "the database system is starting up"),
      pgError("08006", "connection failure"),
      pgError("08001", "could not connect"),
      pgError("53300", "sorry, too many clients already"),
      pgError("53100", "could not extend file: No space left on device"),
      pgError("25006", "cannot execute INSERT in a read-only transaction"),
      // Node 20 tries every address of localhost: an AggregateError of refusals.
      Object.assign(new AggregateError([socket("ECONNREFUSED"), socket("ECONNREFUSED")], ""), { code: "ECONNREFUSED" }),
      new AggregateError([socket("ECONNREFUSED")], "all failed"),
    ];
    for (const f of faults) {
      expect(isDatabaseUnavailable(f), f.message).toBe(true);
      expect(isDatabaseUnavailable(wrapped(f)), `wrapped ${f.message}`).toBe(true);
      expect(isDatabaseUnavailable(wrapped(wrapped(f))), `twice ${f.message}`).toBe(true);
    }
  });

  it("does not take a bug, a bad query or a refusal for an outage", () => {
    const bugs = [
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      new RangeError("Maximum call stack size exceeded"),
      pgError("23505", "duplicate key value violates unique constraint"),
      pgError("22021", 'invalid byte sequence for encoding "UTF8": 0x00'),
      pgError("42P01", 'relation "nope" does not exist'),
      pgError("40001", "could not serialize access"),
      pgError("57014", "canceling statement due to user request"),
      socket("ENOENT", "open"), // a missing file is not a missing server
      new DomainError("not_found", "Session not found"),
      new DomainError("unavailable", "The database backend (WARDEN_PG_CRM) cannot be reached"),
      wrapped(new Error("syntax error")),
      new Error("timeout expired while parsing the policy"), // the words alone are not enough
      "ECONNREFUSED",
      null,
      undefined,
      { code: 42 },
    ];
    for (const b of bugs) expect(isDatabaseUnavailable(b), String((b as Error)?.message ?? b)).toBe(false);
  });

  it("survives a cause cycle", () => {
    const a: Error & { cause?: unknown } = new Error("a");
    a.cause = a;
    const b: Error & { cause?: unknown } = new Error("b");
    const c: Error & { cause?: unknown } = new Error("c", { cause: b });
    b.cause = c;
    expect(isDatabaseUnavailable(a)).toBe(false);
    expect(isDatabaseUnavailable(b)).toBe(false);
  });

  it("describes the fault in one line, with its code", () => {
    expect(describeDatabaseFault(wrapped(socket("ECONNREFUSED")))).toBe("connect ECONNREFUSED 127.0.0.1:5432");
    expect(describeDatabaseFault(wrapped(pgError("57P01", "terminating connection due to administrator command")))).toBe("57P01 terminating connection due to administrator command");
    expect(describeDatabaseFault(new Error("Connection terminated unexpectedly"))).toBe("Connection terminated unexpectedly");
  });

  it("sends a background job's outage to the tracker and logs any other failure as the job's", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const onOutage = vi.fn();
      const fail = backgroundFailure("webhook dispatch", onOutage);
      fail(wrapped(socket("ECONNREFUSED")));
      expect(onOutage).toHaveBeenCalledTimes(1);
      expect(error).not.toHaveBeenCalled();
      fail(new TypeError("cannot read properties of undefined"));
      expect(onOutage).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledWith("[warden] webhook dispatch failed:", "cannot read properties of undefined");
      // Without a tracker, an outage is logged like any failure.
      backgroundFailure("credential sweep")(socket("ECONNREFUSED"));
      expect(error).toHaveBeenCalledTimes(2);
    } finally {
      error.mockRestore();
    }
  });
});
