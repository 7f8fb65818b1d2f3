import fs from "node:fs";
import net from "node:net";

// Process helpers the integration, fault and e2e tests share: a free port, and the app process
// behind a front (lib/server/front.ts starts it in the front's process group with
// WARDEN_ROLE=app).

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The process in the front's process group `pgid` that runs as the app process. */
export function appProcessOf(pgid: number): number {
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === pgid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ");
      if (Number(stat[2]) === pgid && fs.readFileSync(`/proc/${d}/environ`, "utf8").split("\0").includes("WARDEN_ROLE=app")) return Number(d);
    } catch {}
  }
  throw new Error(`no app process in group ${pgid}`);
}
