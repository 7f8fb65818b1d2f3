import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { reasonSchema } from "@/lib/domain/agents/schemas";
import { personCaller } from "@/lib/services/context";
import { revokeAllFor, type RevokeScope } from "@/lib/services/credentials/revoke-all";

const LABELS: Record<RevokeScope, string> = { session: "Session", agent: "Agent", connector: "Connector" };

/** POST …/{id}/revoke-credentials for sessions, agents and connectors: all live ones, with a reason. */
export function revokeAllRoute(scope: RevokeScope) {
  return withPerson<{ id: string }>(
    async ({ req, person, params, meta }) => {
      const id = idParam(params.id, LABELS[scope]);
      const { reason } = await readJson(req, reasonSchema);
      return revokeAllFor(await getDb(), personCaller(person, meta), scope, id, reason);
    },
    { can: "revokeCredentials" },
  );
}
