// How a tool call looks to a policy. The facts come from lib/policy/cedar/schema.ts (the schema
// every policy is validated against); keep the two in step.
import { ACCESS_KINDS, ACTION_TYPE, AGENT_TYPE, CONNECTOR_TYPE, TOOL_TYPE } from "@/lib/policy/cedar/schema";

const CONTEXT: [string, string][] = [
  ["sensitivity", "effective data sensitivity of the call: public | internal | confidential | restricted"],
  ["sensitivityRank", "the same as a number: 0 public, 1 internal, 2 confidential, 3 restricted"],
  ["destination", 'where data goes ("" when none)'],
  ["destinationExternal", "true when the destination is outside the organisation"],
  ["intentMatch", "the intent check found the call inside the declared intent"],
  ["riskTier", "the agent's risk tier, repeated for convenience"],
  ["sessionAgeSeconds", "how long the session has been open"],
  ["escalationCount", "escalations so far in this session"],
  ["denialCount", "denials so far in this session"],
  ["operation", 'the concrete operation name, e.g. "push"'],
  ["resource", 'the concrete resource, e.g. a repository or table ("" when none)'],
];

const code = "rounded bg-muted px-1 py-0.5 font-mono text-xs";

export function SchemaHelp() {
  return (
    <details className="rounded-md border bg-card p-3 text-sm">
      <summary className="cursor-pointer font-medium">How a tool call maps onto Cedar</summary>
      <div className="mt-3 grid gap-3 lg:grid-cols-2">
        <dl className="grid grid-cols-[6.5rem_1fr] gap-x-3 gap-y-2">
          <dt className="text-muted-foreground">principal</dt>
          <dd>
            The agent, by name: <code className={code}>{AGENT_TYPE}::&quot;release-bot&quot;</code>. Attributes{" "}
            <code className={code}>riskTier</code> (low | medium | high), <code className={code}>team</code>,{" "}
            <code className={code}>status</code> (active | quarantined | retired), <code className={code}>identity</code>.
          </dd>
          <dt className="text-muted-foreground">action</dt>
          <dd>
            The access kind of the operation in the connector&apos;s catalogue:{" "}
            {ACCESS_KINDS.map((k, i) => (
              <span key={k}>
                {i ? ", " : ""}
                <code className={code}>{k}</code>
              </span>
            ))}{" "}
            (<code className={code}>call</code> = an operation the catalogue does not know). Everything but{" "}
            <code className={code}>read</code> is in the group <code className={code}>{ACTION_TYPE}::&quot;mutate&quot;</code>, so{" "}
            <code className={code}>action in {ACTION_TYPE}::&quot;mutate&quot;</code> means &ldquo;may change state&rdquo;.
          </dd>
          <dt className="text-muted-foreground">resource</dt>
          <dd>
            The tool, <code className={code}>{TOOL_TYPE}::&quot;github:repo&quot;</code> (connector:tool), inside its connector{" "}
            <code className={code}>{CONNECTOR_TYPE}::&quot;github&quot;</code>: write{" "}
            <code className={code}>resource in {CONNECTOR_TYPE}::&quot;github&quot;</code>. The connector&apos;s attributes are on{" "}
            <code className={code}>resource.connector</code>: <code className={code}>managed</code>, <code className={code}>kind</code>,{" "}
            <code className={code}>sensitivity</code>, <code className={code}>environment</code>; the tool&apos;s own name is{" "}
            <code className={code}>resource.name</code>.
          </dd>
          <dt className="text-muted-foreground">outcome</dt>
          <dd>
            A matching <code className={code}>forbid</code> wins over any <code className={code}>permit</code>; nothing matching
            means deny. <code className={code}>@escalate(&quot;true&quot;)</code> on a forbid asks a person instead of denying (a
            plain forbid that also matches still denies); <code className={code}>@reason(&quot;…&quot;)</code> is the message agents
            and approvers see.
          </dd>
        </dl>
        <div>
          <p className="mb-2 text-muted-foreground">
            <code className={code}>context</code> fields:
          </p>
          <dl className="grid grid-cols-[9.5rem_1fr] gap-x-3 gap-y-1">
            {CONTEXT.map(([name, what]) => (
              <div key={name} className="contents">
                <dt>
                  <code className={code}>{name}</code>
                </dt>
                <dd className="text-muted-foreground">{what}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </details>
  );
}
