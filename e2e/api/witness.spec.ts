import { expect, request, test } from "@playwright/test";
import { checkpointText, cosignatureVerifier, generateSigner, signNote } from "../../lib/audit/log/note";
import { E2E_LOG_KEY, E2E_WITNESS_KEY } from "../../playwright.config";
import { stateFile } from "../helpers";

// One Warden witnesses another (c2sp.org/tlog-witness), as configured in playwright.config.ts:
// the Postgres instance sends every checkpoint of its audit log to the embedded instance's
// POST /api/v1/witness/add-checkpoint, which checks it extends what it cosigned before and
// answers with its cosignature.
const witnessURL = (baseURL: string) => `http://127.0.0.1:${Number(new URL(baseURL).port) + 1}/api/v1/witness`;

test("the embedded instance publishes its witness key and the log it witnesses", async ({ baseURL }) => {
  const res = await fetch(witnessURL(baseURL!));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ name: "warden.e2e/witness", key: cosignatureVerifier(E2E_WITNESS_KEY).text, logs: [{ origin: "warden.local/audit", key: E2E_LOG_KEY.text }] });
});

test("the Postgres instance's checkpoints are cosigned by the other instance, and the status says so", async ({ baseURL }) => {
  test.setTimeout(60_000);
  const auditor = await request.newContext({ baseURL, storageState: stateFile("auditor") });
  try {
    let status: { latest: { size: number } | null; witness: { http: { url: string; name: string; cosignedSize: number | null }[] }; gaps: string[] } | null = null;
    await expect
      .poll(async () => {
        status = await (await auditor.get("/api/v1/audit/checkpoints/latest")).json();
        return status!.latest !== null && status!.witness.http[0]?.cosignedSize === status!.latest.size;
      }, { timeout: 45_000, intervals: [1000] })
      .toBe(true);
    expect(status!.witness.http).toEqual([expect.objectContaining({ url: witnessURL(baseURL!), name: "warden.e2e/witness" })]);
    expect(status!.gaps.join(" ")).not.toMatch(/witness/i);
  } finally {
    await auditor.dispose();
  }
});

test("the witness endpoint answers as the protocol says: 400 for a malformed body, 404 for a log it does not witness, 403 for a forged key", async ({ baseURL }) => {
  const post = (body: string) => fetch(`${witnessURL(baseURL!)}/add-checkpoint`, { method: "POST", body });
  const bad = await post("hello");
  expect(bad.status).toBe(400);
  expect(await bad.text()).toMatch(/old size line/);
  const note = (signer: ReturnType<typeof generateSigner>) => signNote(checkpointText({ origin: signer.name, size: 1, root: Buffer.alloc(32, 7), extensions: [] }), [signer]);
  const stranger = await post(`old 0\n\n${note(generateSigner("stranger.example/log", Buffer.alloc(32, 1)))}`);
  expect(stranger.status).toBe(404);
  const forged = await post(`old 0\n\n${note(generateSigner("warden.local/audit", Buffer.alloc(32, 2)))}`);
  expect(forged.status).toBe(403);
  // A rewind of the real log (old 0 when it has cosigned more) gets its own size back.
  const rewind = await post(`old 0\n\n${signNote(checkpointText({ origin: "warden.local/audit", size: 1, root: Buffer.alloc(32, 7), extensions: [] }), [E2E_LOG_KEY])}`);
  expect(rewind.status).toBe(409);
  expect(rewind.headers.get("content-type")).toBe("text/x.tlog.size");
  expect(await rewind.text()).toMatch(/^[1-9]\d*\n$/);
});
