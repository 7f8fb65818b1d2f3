import { describe, expect, it } from "vitest";
import { publicBaseUrl } from "./public-url";

const none = {};

describe("publicBaseUrl", () => {
  it("takes WARDEN_PUBLIC_URL first, then NEXTAUTH_URL, over anything the request says", () => {
    const proxied = { host: "10.0.0.5:3000", "x-forwarded-host": "pdp.example.com", "x-forwarded-proto": "https" };
    const env = { WARDEN_PUBLIC_URL: "https://warden.example.com", NEXTAUTH_URL: "https://console.example.com" };
    expect(publicBaseUrl(proxied, env)).toBe("https://warden.example.com");
    expect(publicBaseUrl(proxied, { NEXTAUTH_URL: env.NEXTAUTH_URL })).toBe("https://console.example.com");
    expect(publicBaseUrl(proxied, { WARDEN_PUBLIC_URL: "", NEXTAUTH_URL: env.NEXTAUTH_URL })).toBe("https://console.example.com");
  });

  it("gives an origin only: no path, query, fragment, trailing slash or default port", () => {
    expect(publicBaseUrl(none, { WARDEN_PUBLIC_URL: "https://warden.example.com:443/base/?x=1#f" })).toBe("https://warden.example.com");
    expect(publicBaseUrl(none, { WARDEN_PUBLIC_URL: " http://Warden.Example.com:8080/ " })).toBe("http://warden.example.com:8080");
  });

  it("passes over a configured value that is not an http(s) URL", () => {
    expect(publicBaseUrl({ host: "a.example" }, { WARDEN_PUBLIC_URL: "warden.example.com", NEXTAUTH_URL: "ftp://x.example" })).toBe("http://a.example");
  });

  it("follows the first X-Forwarded-Proto and X-Forwarded-Host of a proxy chain", () => {
    expect(publicBaseUrl({ host: "127.0.0.1:3000", "x-forwarded-proto": "https", "x-forwarded-host": "pdp.example.com" }, none)).toBe("https://pdp.example.com");
    expect(publicBaseUrl({ host: "127.0.0.1:3000", "x-forwarded-proto": "https, http", "x-forwarded-host": "pdp.example.com:8443, lb.internal" }, none)).toBe("https://pdp.example.com:8443");
    // A proxy that keeps Host and only says the scheme.
    expect(publicBaseUrl({ host: "pdp.example.com", "x-forwarded-proto": "HTTPS" }, none)).toBe("https://pdp.example.com");
    // A forwarded host without a scheme is plain http; an unknown scheme is ignored.
    expect(publicBaseUrl({ host: "x", "x-forwarded-host": "pdp.example.com" }, none)).toBe("http://pdp.example.com");
    expect(publicBaseUrl({ host: "pdp.example.com", "x-forwarded-proto": "javascript" }, none)).toBe("http://pdp.example.com");
  });

  it("reads a fetch Headers as well as node's header object", () => {
    const h = new Headers({ host: "127.0.0.1:3000", "x-forwarded-proto": "https", "x-forwarded-host": "pdp.example.com" });
    expect(publicBaseUrl(h, none)).toBe("https://pdp.example.com");
    expect(publicBaseUrl({ host: "pdp.example.com", "x-forwarded-host": ["a.example", "b.example"] }, none)).toBe("http://a.example");
  });

  it("never gives 0.0.0.0 or [::]: those become localhost, the port kept", () => {
    expect(publicBaseUrl({ host: "0.0.0.0:3000" }, none)).toBe("http://localhost:3000");
    expect(publicBaseUrl({ host: "[::]:3000" }, none)).toBe("http://localhost:3000");
    expect(publicBaseUrl({ host: "x", "x-forwarded-host": "0.0.0.0" }, none)).toBe("http://localhost");
    expect(publicBaseUrl(none, { NEXTAUTH_URL: "http://0.0.0.0:3000" })).toBe("http://localhost:3000");
    expect(publicBaseUrl({ host: "[::1]:3000" }, none)).toBe("http://[::1]:3000");
  });

  it("refuses a host that would carry a path, credentials or another origin, and falls back", () => {
    for (const bad of ["evil.example/x", "user@evil.example", "evil.example?", "a b", "evil.example:99999999", ""]) {
      expect(publicBaseUrl({ host: "pdp.example.com", "x-forwarded-host": bad }, none), bad).toBe("http://pdp.example.com");
    }
    expect(publicBaseUrl({ host: "evil.example/#" }, { PORT: "4000" })).toBe("http://localhost:4000");
  });

  it("without configuration or a Host, is localhost on PORT (3000 by default)", () => {
    expect(publicBaseUrl(none, {})).toBe("http://localhost:3000");
    expect(publicBaseUrl(none, { PORT: "8080" })).toBe("http://localhost:8080");
    expect(publicBaseUrl(none, { PORT: "not a port" })).toBe("http://localhost:3000");
  });
});
