import http from "node:http";
import type { AddressInfo } from "node:net";
import { addCheckpoint, type Witness } from "../../lib/services/witness/add-checkpoint";

/**
 * An HTTP witness (c2sp.org/tlog-witness) on node:http, serving the same service the route
 * POST /api/v1/witness/add-checkpoint calls, at `<url>/add-checkpoint`. It keeps its port across
 * stop() and start(), so a test can take it away and bring it back; `witness` may be replaced
 * (a new configuration) between requests.
 */
export class WitnessServer {
  private server: http.Server | null = null;
  private port = 0;
  /** Null until configured: requests then get 503, as from a witness not ready yet. */
  constructor(public witness: Witness | null = null) {}

  async start() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        if (req.method !== "POST" || req.url !== "/witness/add-checkpoint") return void res.writeHead(404).end();
        if (!this.witness) return void res.writeHead(503).end();
        addCheckpoint(this.witness, Buffer.concat(chunks).toString("utf8")).then(
          (r) => res.writeHead(r.status, { "content-type": r.contentType }).end(r.body),
          () => res.writeHead(500).end(),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop() {
    await new Promise((resolve) => this.server?.close(resolve));
    this.server?.closeAllConnections();
    this.server = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}/witness`;
  }
}
