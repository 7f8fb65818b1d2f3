import { readJson, readQuery } from "@/lib/api/body";
import { withAgent } from "@/lib/api/with-agent";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { listSessions, sessionListSchema } from "@/lib/db/queries/sessions";
import { openSession } from "@/lib/services/sessions/open";
import { openSessionSchema } from "@/lib/services/sessions/schemas";

export const GET = withPerson(async ({ req }) => listSessions(await getDb(), readQuery(req, sessionListSchema)), {
  can: "readInventory",
});

// Agents open a session for one task (design.md "Machine API").
export const POST = withAgent(async ({ req, agent, meta }) => {
  const input = await readJson(req, openSessionSchema);
  return json(await openSession(await getDb(), agent, input, meta), 201, meta);
});
