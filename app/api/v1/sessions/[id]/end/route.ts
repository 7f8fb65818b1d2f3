import { z } from "zod";
import { readJson } from "@/lib/api/body";
import { withAgent } from "@/lib/api/with-agent";
import { idParam } from "@/lib/api/with-person";
import { getRuntime } from "@/lib/runtime";
import { endSession } from "@/lib/services/sessions/end";

const endSchema = z.object({ reason: z.string().trim().max(500).default("task complete") });

export const POST = withAgent<{ id: string }>(async ({ req, agent, params, meta }) => {
  const id = idParam(params.id, "Session");
  const body = req.headers.get("content-length") === "0" || !req.body ? { reason: "task complete" } : await readJson(req, endSchema);
  return endSession(await getRuntime(), agent, id, body.reason, meta);
});
