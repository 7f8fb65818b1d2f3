import { describe, expect, it } from "vitest";
import { actionPatternError, matchesAction, parseActionPattern, patternCovers, uncoveredPatterns } from "./patterns";
import { exceeds } from "./sensitivity";

const act = (connector: string, tool: string, operation: string) => ({ connector, tool, operation });

describe("action patterns", () => {
  it("parses exact, wildcard and prefix patterns", () => {
    expect(parseActionPattern("github:issues.read")).toEqual(act("github", "issues", "read"));
    expect(parseActionPattern("crm:contacts.*")).toEqual(act("crm", "contacts", "*"));
    expect(parseActionPattern("github:*")).toEqual(act("github", "*", "*"));
    expect(parseActionPattern("*")).toEqual(act("*", "*", "*"));
    expect(parseActionPattern("prod-postgres:customers.sel*")).toEqual(act("prod-postgres", "customers", "sel*"));
  });

  it("rejects malformed patterns with a message", () => {
    for (const bad of ["", "github", ":issues.read", "github:issues", "GitHub:issues.read", "a:b.c d", "a:*b.c"]) {
      expect(parseActionPattern(bad), bad).toBeNull();
      expect(actionPatternError(bad)).toMatch(/not an action pattern/);
    }
  });

  it("matches concrete actions", () => {
    expect(matchesAction("github:issues.*", act("github", "issues", "write"))).toBe(true);
    expect(matchesAction("github:issues.read", act("github", "issues", "write"))).toBe(false);
    expect(matchesAction("github:*", act("slack", "chat", "post"))).toBe(false);
    expect(matchesAction("*", act("slack", "chat", "post"))).toBe(true);
  });

  it("knows when one pattern covers another", () => {
    expect(patternCovers("github:*", "github:issues.read")).toBe(true);
    expect(patternCovers("github:issues.*", "github:*")).toBe(false);
    expect(patternCovers("crm:contacts.re*", "crm:contacts.read")).toBe(true);
    expect(patternCovers("crm:contacts.re*", "crm:contacts.*")).toBe(false);
    expect(uncoveredPatterns(["github:issues.*"], ["github:issues.read", "github:repo.push"])).toEqual(["github:repo.push"]);
  });

  it("orders sensitivity", () => {
    expect(exceeds("restricted", "confidential")).toBe(true);
    expect(exceeds("internal", "internal")).toBe(false);
    expect(exceeds("public", "restricted")).toBe(false);
  });
});
