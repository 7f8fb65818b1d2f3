"use client";

import * as React from "react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { SchemaOverview } from "@/lib/db/queries/authz-schema";
import { CodeBlock } from "../code-view";
import { SchemaEditor } from "./schema-editor";
import { SchemaVersions } from "./schema-versions";

// What a first schema could look like; comments only, so saving it as is changes nothing.
const STARTER = `// One or more namespaces, each self-contained. \`Warden\` is reserved for agent policies.
// namespace Acme {
//   entity group;
//   entity user in [group] = { "role"?: String };
//   entity document = { "owner": user };
//   action "read", "edit" appliesTo { principal: [user], resource: [document] };
// }
`;

/**
 * The schema page: the namespaces in force, the editor (admins), and the version history. The
 * editor's text is held here so "Open in editor" on a past version can load it.
 */
export function SchemaClient({ overview, canManage }: { overview: SchemaOverview; canManage: boolean }) {
  const { active, versions, namespaces } = overview;
  const [draft, setDraft] = React.useState(active?.cedar ?? STARTER);
  // Bumped when a past version is loaded: the editor starts afresh (its last check, its
  // positions and its messages were about the text it replaced).
  const [loaded, setLoaded] = React.useState(0);
  const editorRef = React.useRef<HTMLDivElement>(null);
  const general = namespaces.filter((n) => !n.builtIn);

  function openInEditor(text: string) {
    setDraft(text);
    setLoaded((n) => n + 1);
  }

  // After the editor remounted with the loaded text: bring it into view with the cursor in it.
  React.useEffect(() => {
    if (loaded === 0) return;
    editorRef.current?.scrollIntoView({ block: "start" });
    editorRef.current?.querySelector("textarea")?.focus();
  }, [loaded]);

  return (
    <div className="space-y-4">
      <Card>
        <CardHeader>
          <CardTitle>{active ? `In force: v${active.version}` : "No schema in force"}</CardTitle>
          <CardDescription>
            {active
              ? `${general.length} general namespace${general.length === 1 ? "" : "s"}. A namespace that holds policies cannot be removed, and a version that would invalidate a policy is refused.`
              : "Until a schema is activated there are no general namespaces: policies can only be written for agents (Warden)."}
          </CardDescription>
        </CardHeader>
        {general.length > 0 ? (
          <CardContent>
            <ul className="flex flex-wrap gap-2" aria-label="General namespaces">
              {general.map((n) => (
                <li key={n.namespace}>
                  <Link
                    href={`/policies?namespace=${encodeURIComponent(n.namespace)}`}
                    className="inline-flex items-center gap-1.5 rounded-md border px-2 py-1 text-sm hover:bg-muted focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-hidden"
                  >
                    <span className="font-mono">{n.namespace}</span>
                    <span className="text-xs text-muted-foreground">
                      {n.policies} polic{n.policies === 1 ? "y" : "ies"}
                    </span>
                    {!n.inSchema ? <Badge variant="destructive">not in schema</Badge> : null}
                  </Link>
                </li>
              ))}
            </ul>
          </CardContent>
        ) : null}
      </Card>

      {canManage ? (
        <div ref={editorRef}>
          <SchemaEditor key={loaded} active={active} value={draft} onChange={setDraft} />
        </div>
      ) : active ? (
        <Card>
          <CardHeader>
            <CardTitle>Schema text</CardTitle>
          </CardHeader>
          <CardContent>
            <CodeBlock text={active.cedar} label={`Cedar schema v${active.version}`} />
          </CardContent>
        </Card>
      ) : null}

      <SchemaVersions versions={versions} active={active} canManage={canManage} onOpen={canManage ? openInEditor : undefined} />
    </div>
  );
}
