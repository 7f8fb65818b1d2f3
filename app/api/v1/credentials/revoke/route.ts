import { readFormOrJson } from "@/lib/api/body";
import { withAgent } from "@/lib/api/with-agent";
import { getDb } from "@/lib/runtime";
import { revokeByHolder } from "@/lib/services/credentials/introspect";
import { tokenBodySchema } from "@/lib/services/credentials/jit-schemas";

// RFC 7009 revocation by the holder: the agent gives back a credential issued to it. Always
// 200 with an empty object, valid token or not (RFC 7009 §2.2).
export const POST = withAgent(async ({ req, agent, meta }) => {
  const { token } = await readFormOrJson(req, tokenBodySchema);
  await revokeByHolder(await getDb(), agent, token, meta);
  return {};
});
