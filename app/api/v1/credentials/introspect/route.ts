import { readFormOrJson } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { introspectCredential } from "@/lib/services/credentials/introspect";
import { tokenBodySchema } from "@/lib/services/credentials/jit-schemas";

// RFC 7662 token introspection for tools that receive Warden's just-in-time credentials. The
// tool authenticates with a Warden API token (any role that reads the inventory).
export const POST = withPerson(
  async ({ req, meta }) => {
    const { token } = await readFormOrJson(req, tokenBodySchema);
    return introspectCredential(await getDb(), token, meta);
  },
  { can: "readInventory" },
);
