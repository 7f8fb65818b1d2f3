import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { listTeams } from "@/lib/db/queries/agents";
import { listWebhooks } from "@/lib/db/queries/webhooks";
import { WebhooksClient } from "./client";

export const metadata = { title: "Webhooks · Warden" };

export default async function WebhooksPage() {
  await requirePagePerson("manageWebhooks", "/admin/webhooks");
  const db = await getDb();
  const [list, teams] = await Promise.all([listWebhooks(db), listTeams(db)]);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Webhooks"
        description="Tell a team about new escalations the moment they are raised: Warden POSTs a signed JSON notification to each enabled webhook whose team and minimum risk match. Failed deliveries are retried for about 40 minutes."
      />
      <WebhooksClient initial={asJson(list)} teams={teams} />
      <Verifying />
    </div>
  );
}

/** What a receiver must check (lib/services/webhooks/crypto.ts verifySignature), in the words its developer needs. */
function Verifying() {
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Receiving a notification</CardTitle>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-x-4 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="font-medium">Request</dt>
          <dd className="text-muted-foreground">
            <code className="font-mono text-xs">POST</code> with a JSON body and the headers{" "}
            <code className="font-mono text-xs">X-Warden-Event</code> (<code className="font-mono text-xs">escalation.created</code>, or{" "}
            <code className="font-mono text-xs">ping</code> for a test), <code className="font-mono text-xs">X-Warden-Delivery</code> (the same id
            on every retry: use it to ignore duplicates) and <code className="font-mono text-xs">X-Warden-Signature</code>. Answer with any 2xx
            within 5 seconds; redirects are not followed.
          </dd>
          <dt className="font-medium">Signature</dt>
          <dd className="text-muted-foreground">
            The header reads <code className="font-mono text-xs">t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code>. Compute HMAC-SHA256 with the
            webhook&apos;s secret (<code className="font-mono text-xs">whsec_…</code>) over{" "}
            <code className="font-mono text-xs">&lt;t&gt;.&lt;raw request body&gt;</code>, compare it with{" "}
            <code className="font-mono text-xs">v1</code> in constant time, and refuse timestamps more than five minutes old.
          </dd>
          <dt className="font-medium">Body</dt>
          <dd className="text-muted-foreground">
            <code className="font-mono text-xs">event</code>, <code className="font-mono text-xs">deliveryId</code>,{" "}
            <code className="font-mono text-xs">occurredAt</code> and <code className="font-mono text-xs">escalation</code>: its id, kind, risk,
            required approvals, status, agent (id, name, team), session, the action as recorded (never a tool call&apos;s arguments), reasons,
            diff, times and a <code className="font-mono text-xs">url</code> to its page in Warden, where a person decides.
          </dd>
        </dl>
      </CardContent>
    </Card>
  );
}
