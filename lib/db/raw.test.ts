import { describe, expect, it } from "vitest";
import { dollarQuote, inline } from "./raw";

describe("inlining parameters for one-round-trip batches", () => {
  it("quotes each value under a tag the value does not contain", () => {
    const value = "a'b\"c\\d $$ $w000000000000$ ; COMMIT";
    const q = dollarQuote(value);
    const tag = /^(\$w[0-9a-f]{12}\$)/.exec(q)![1];
    expect(q).toBe(`${tag}${value}${tag}`);
    expect(value.includes(tag)).toBe(false);
  });

  it("replaces $n placeholders and leaves placeholder-like text inside values alone", () => {
    const sql = inline({ text: "select $1::json, $2::uuid[], $1::json", params: ['{"x":"$2"}', "{}"] });
    const parts = sql.match(/\$w[0-9a-f]{12}\$/g)!;
    expect(parts).toHaveLength(6);
    expect(sql).toContain('{"x":"$2"}');
    expect(sql.replace(/\$w[0-9a-f]{12}\$/g, "|")).toBe('select |{"x":"$2"}|::json, |{}|::uuid[], |{"x":"$2"}|::json');
  });

  it("never reuses a tag, across refills of the random pool", () => {
    const tags = new Set(Array.from({ length: 3000 }, () => /^(\$w[0-9a-f]{12}\$)/.exec(dollarQuote("x"))![1]));
    expect(tags.size).toBe(3000);
  });

  it("refuses a placeholder without a value", () => {
    expect(() => inline({ text: "select $1, $2", params: ["a"] })).toThrow(/\$2/);
  });
});
