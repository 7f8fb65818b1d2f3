import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_LIMITS, limitsFromEnv, warnIfDescriptorsShort } from "./limits";

describe("limits from the environment", () => {
  it("defaults when nothing is set", () => {
    expect(limitsFromEnv({})).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, bodyIdleTimeoutMs: 10_000, keepAliveTimeoutMs: 65_000, maxConnections: 1000, appTimeoutMs: 60_000 });
  });

  it("reads seconds (fractions too) and a connection count", () => {
    expect(
      limitsFromEnv({
        WARDEN_HEADERS_TIMEOUT_SECONDS: "1.5",
        WARDEN_REQUEST_TIMEOUT_SECONDS: "3",
        WARDEN_BODY_IDLE_TIMEOUT_SECONDS: "0.25",
        WARDEN_KEEP_ALIVE_SECONDS: "5",
        WARDEN_MAX_CONNECTIONS: "20",
        WARDEN_APP_TIMEOUT_SECONDS: " 4 ",
      }),
    ).toEqual({ headersTimeoutMs: 1_500, requestTimeoutMs: 3_000, bodyIdleTimeoutMs: 250, keepAliveTimeoutMs: 5_000, maxConnections: 20, appTimeoutMs: 4_000 });
  });

  it("refuses values that would mean no limit or nonsense, naming the variable", () => {
    expect(() => limitsFromEnv({ WARDEN_REQUEST_TIMEOUT_SECONDS: "0" })).toThrow(/WARDEN_REQUEST_TIMEOUT_SECONDS must be a number of seconds above 0 \(got "0"\)/);
    expect(() => limitsFromEnv({ WARDEN_BODY_IDLE_TIMEOUT_SECONDS: "soon" })).toThrow(/WARDEN_BODY_IDLE_TIMEOUT_SECONDS/);
    expect(() => limitsFromEnv({ WARDEN_MAX_CONNECTIONS: "1.5" })).toThrow(/WARDEN_MAX_CONNECTIONS must be a whole number/);
    expect(() => limitsFromEnv({ WARDEN_MAX_CONNECTIONS: "0" })).toThrow(/WARDEN_MAX_CONNECTIONS/);
    // Node refuses a headers timeout above the request timeout: said in Warden's words.
    expect(() => limitsFromEnv({ WARDEN_HEADERS_TIMEOUT_SECONDS: "40" })).toThrow(/WARDEN_HEADERS_TIMEOUT_SECONDS \(40\) must not exceed WARDEN_REQUEST_TIMEOUT_SECONDS \(30\)/);
  });

  it("warns when the process may open fewer files than its cap needs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-limits-"));
    const file = path.join(dir, "limits");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      fs.writeFileSync(file, "Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 1024                 files\n");
      warnIfDescriptorsShort(1000, 2, file);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("WARDEN_MAX_CONNECTIONS=1000 may need about 2256 open files, but this process may open 1024"));
      warn.mockClear();
      warnIfDescriptorsShort(100, 2, file);
      warnIfDescriptorsShort(100, 2, path.join(dir, "missing"));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
