import { describe, expect, it } from "vitest";
import { columnId, skeletonHeaders, sortingFromUrl, urlFromSorting, type Columns } from "./columns";

type Row = { name: string; team: string; seen: string };
const columns: Columns<Row> = [
  { id: "name", header: "Name", meta: { sortKey: "name", defaultDir: "asc" } },
  { accessorKey: "team", header: "Team", meta: { sortKey: "team" } },
  { id: "seen", header: "Last seen", meta: { sortKey: "lastSeenAt", firstDir: "desc" } },
  { id: "actions", header: () => null },
];

describe("sorting in the URL", () => {
  it("uses the default column and direction when the URL says nothing", () => {
    expect(sortingFromUrl(columns, null, null)).toEqual([{ id: "name", desc: false }]);
    expect(sortingFromUrl(columns, null, "desc")).toEqual([{ id: "name", desc: true }]);
  });
  it("maps the server's sort key to the column, with the column's first direction when dir is absent", () => {
    expect(sortingFromUrl(columns, "lastSeenAt", null)).toEqual([{ id: "seen", desc: true }]);
    expect(sortingFromUrl(columns, "lastSeenAt", "asc")).toEqual([{ id: "seen", desc: false }]);
    expect(sortingFromUrl(columns, "team", "bogus")).toEqual([{ id: "team", desc: false }]);
  });
  it("shows nothing sorted for a key no column has", () => {
    expect(sortingFromUrl(columns, "password", "asc")).toEqual([]);
  });
  it("writes TanStack state back as sort and dir", () => {
    expect(urlFromSorting(columns, [{ id: "seen", desc: true }])).toEqual({ sort: "lastSeenAt", dir: "desc" });
    expect(urlFromSorting(columns, [{ id: "actions", desc: true }])).toBeNull();
    expect(urlFromSorting(columns, [])).toBeNull();
  });
});

describe("column ids and skeleton headers", () => {
  it("follows TanStack's id rules", () => {
    expect(columns.map((c) => columnId(c as never))).toEqual(["name", "team", "seen", "actions"]);
  });
  it("keeps text headers and blanks markup ones", () => {
    expect(skeletonHeaders(columns)).toEqual(["Name", "Team", "Last seen", ""]);
  });
});
