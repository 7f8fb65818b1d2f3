import { describe, expect, it } from "vitest";
import { findingFixes } from "./findings";

describe("finding fixes", () => {
  const retire = { action: "retire", label: "Retire the agent", href: "/agents/a1", api: ["POST /api/v1/agents/a1/retire"] };

  it("keeps well-formed fixes in order", () => {
    const owner = { action: "assign_owner", label: "Assign an owner", href: "/agents/a1/edit", api: ["PATCH /api/v1/agents/a1"] };
    expect(findingFixes([owner, retire])).toEqual([owner, retire]);
  });

  it("drops anything else: no list, unknown actions, links that leave Warden", () => {
    expect(findingFixes(undefined)).toEqual([]);
    expect(findingFixes({ ...retire })).toEqual([]);
    expect(findingFixes([{ ...retire, action: "delete_everything" }])).toEqual([]);
    expect(findingFixes([{ ...retire, href: "javascript:alert(1)" }])).toEqual([]);
    expect(findingFixes([{ ...retire, href: "//evil.example/x" }])).toEqual([]);
    expect(findingFixes([{ ...retire, href: "https://evil.example/x" }])).toEqual([]);
    expect(findingFixes([{ ...retire, api: [1] }, null, "x"])).toEqual([]);
  });
});
