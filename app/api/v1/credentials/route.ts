import type { NextRequest } from "next/server";
import { readJson, readQuery } from "@/lib/api/body";
import { isAgentRequest, withAgent } from "@/lib/api/with-agent";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb, getRuntime } from "@/lib/runtime";
import { listCredentials } from "@/lib/db/queries/credentials";
import { personCaller } from "@/lib/services/context";
import { issueJitCredential } from "@/lib/services/credentials/issue-jit";
import { issueJitSchema } from "@/lib/services/credentials/jit-schemas";
import { recordStandingCredential } from "@/lib/services/credentials/record";
import { credentialListSchema, credentialRecordSchema } from "@/lib/domain/credentials/schemas";

export const GET = withPerson(
  async ({ req }) => listCredentials(await getDb(), readQuery(req, credentialListSchema)),
  { can: "readInventory" },
);

// A person records a standing secret held elsewhere (no secret is sent or stored).
const recordStanding = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, credentialRecordSchema);
    return json(await recordStandingCredential(await getDb(), personCaller(person, meta), input), 201, meta);
  },
  { can: "writeInventory" },
);

// An agent asks for a just-in-time credential for its session's task: 201 with the secret
// (shown once) when the scope lies inside the intent, else 200 with an escalate or a deny.
const issueJit = withAgent(async ({ req, agent, meta }) => {
  const input = await readJson(req, issueJitSchema);
  const result = await issueJitCredential(await getRuntime(), agent, input, meta);
  return json(result, result.decision === "allow" ? 201 : 200, meta);
});

export async function POST(req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) {
  return isAgentRequest(req) ? issueJit(req, ctx) : recordStanding(req, ctx);
}
