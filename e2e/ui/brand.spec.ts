import { expect, request, test } from "@playwright/test";
import { stateFile } from "../helpers";

test.use({ storageState: stateFile("analyst") });

test("the favicon, the mark and the web manifest are served from public/ without a session", async ({ baseURL }) => {
  // No cookies: browsers fetch icons and the manifest before (and without) signing in.
  const anon = await request.newContext({ baseURL });
  try {
    for (const [path, type] of [
      ["/favicon.ico", /^image\/(x-icon|vnd\.microsoft\.icon)/],
      ["/logo-mark.svg", /^image\/svg\+xml/],
      ["/logo.svg", /^image\/svg\+xml/],
      ["/apple-touch-icon.png", /^image\/png/],
      ["/icon-192.png", /^image\/png/],
      ["/icon-512.png", /^image\/png/],
      ["/manifest.webmanifest", /^application\/manifest\+json/],
    ] as const) {
      const res = await anon.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(200);
      expect(res.headers()["content-type"], path).toMatch(type);
    }
    const ico = await (await anon.get("/favicon.ico")).body();
    expect([...ico.subarray(0, 6)]).toEqual([0, 0, 1, 0, 3, 0]); // an icon resource with three images
    const manifest = await (await anon.get("/manifest.webmanifest")).json();
    expect(manifest.icons.map((i: { src: string }) => i.src)).toEqual(["/icon-192.png", "/icon-512.png"]);
  } finally {
    await anon.dispose();
  }
});

test("the console's banner and the sign-in page show the mark beside the name", async ({ page, browser }) => {
  await page.goto("/");
  const brand = page.getByRole("banner").getByRole("link", { name: "Warden", exact: true });
  const mark = brand.locator('img[src="/logo-mark.svg"]');
  await expect(mark).toHaveAttribute("alt", ""); // decorative: the link's name is the text beside it
  await expect(mark).toBeVisible();
  expect(await mark.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  // .first(): after the overview's router.refresh() Next repeats the whole metadata block (title included).
  await expect(page.locator('head link[rel="icon"][href="/favicon.ico"]').first()).toBeAttached();
  await expect(page.locator('head link[rel="icon"][href="/logo-mark.svg"]').first()).toHaveAttribute("type", "image/svg+xml");
  await expect(page.locator('head link[rel="apple-touch-icon"][href="/apple-touch-icon.png"]').first()).toBeAttached();
  await expect(page.locator('head link[rel="manifest"]').first()).toHaveAttribute("href", "/manifest.webmanifest");

  // A context of its own inherits the file's storageState; an empty one is signed out.
  const signedOut = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    const signIn = await signedOut.newPage();
    await signIn.goto("/sign-in");
    const heading = signIn.getByRole("heading", { name: "Warden", exact: true, level: 1 });
    await expect(heading.locator('img[src="/logo-mark.svg"]')).toBeVisible();
  } finally {
    await signedOut.close();
  }
});
