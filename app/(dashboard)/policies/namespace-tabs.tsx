// The namespace strip of the Policies page: `Warden` (agent policies, built in) and each general
// namespace of the active schema. Links, not client tabs: the namespace lives in the URL, so a
// tab can be bookmarked and the back button returns to it. No hooks, so the server renders it.
import Link from "next/link";
import type { NamespaceSummary } from "@/lib/db/queries/authz-schema";
import { cn } from "@/lib/utils";

export function NamespaceTabs({ namespaces, current }: { namespaces: NamespaceSummary[]; current: string }) {
  return (
    <nav aria-label="Policy namespaces" className="flex flex-wrap items-end gap-1 border-b">
      {namespaces.map((n) => {
        const selected = n.namespace === current;
        return (
          <Link
            key={n.namespace}
            href={`/policies?namespace=${encodeURIComponent(n.namespace)}`}
            aria-current={selected ? "page" : undefined}
            className={cn(
              "-mb-px inline-flex items-center gap-1.5 rounded-t-md border border-transparent px-3 py-1.5 text-sm outline-hidden focus-visible:ring-2 focus-visible:ring-ring",
              selected ? "border-border border-b-background bg-background font-medium text-foreground" : "text-muted-foreground hover:text-foreground",
            )}
          >
            <span className="font-mono">{n.namespace}</span>
            <span className="text-xs text-muted-foreground tabular-nums">
              {n.policies}
              <span className="sr-only"> {n.policies === 1 ? "policy" : "policies"}</span>
            </span>
            {n.builtIn ? <span className="text-xs text-muted-foreground">agents</span> : null}
            {!n.inSchema ? <span className="text-xs text-destructive">not in schema</span> : null}
          </Link>
        );
      })}
    </nav>
  );
}
