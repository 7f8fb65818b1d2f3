import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { listTokensForUser } from "@/lib/db/queries/tokens";
import { MAX_ACTIVE_TOKENS } from "@/lib/services/tokens/schemas";
import { TokensClient } from "./client";

export const metadata = { title: "API tokens · Warden" };

// Every role may script the management API; a token carries its person's current role.
export default async function TokensPage() {
  const me = await requirePagePerson("readInventory", "/settings/tokens");
  const items = await listTokensForUser(await getDb(), me.id);
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Personal tokens for scripting Warden's management API. A token acts as you, with your current role, and stops working when it is revoked, expires, or your account is disabled."
      />
      <TokensClient initial={asJson({ items, maxActive: MAX_ACTIVE_TOKENS })} />
    </>
  );
}
