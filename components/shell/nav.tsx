"use client";

import * as React from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { LoaderCircle, LogOut } from "lucide-react";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { NAV_GROUP_LABELS, isActivePath, navItemsForRole, type NavGroup, type Role } from "./nav-items";
import { PendingEscalationsBadge } from "./pending-escalations-badge";

/**
 * Sidebar navigation. Takes only the role (a string) from the server shell: the item list and
 * its icon components are imported here, because components cannot be passed as server→client props.
 */
export function Nav({ role }: { role: Role }) {
  const pathname = usePathname() ?? "/";
  const items = navItemsForRole(role);
  const groups = (Object.keys(NAV_GROUP_LABELS) as NavGroup[])
    .map((group) => ({ group, label: NAV_GROUP_LABELS[group], items: items.filter((i) => i.group === group) }))
    .filter((g) => g.items.length > 0);

  return (
    <nav aria-label="Main" className="flex flex-col gap-4 p-2">
      {groups.map(({ group, label, items: groupItems }) => {
        const headingId = `nav-group-${group}`;
        return (
          <div key={group} className="flex flex-col gap-1">
            {label && (
              // Not a heading: it would precede the page's <h1> in the outline. It names the list instead.
              <div id={headingId} className="px-2 pt-1 text-xs font-medium tracking-wide text-muted-foreground uppercase">
                {label}
              </div>
            )}
            <ul aria-labelledby={label ? headingId : undefined} className="flex flex-wrap gap-0.5 md:flex-col">
              {groupItems.map((item) => {
                const active = isActivePath(pathname, item.href);
                const Icon = item.icon;
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={active ? "page" : undefined}
                      className={cn(
                        "flex h-8 items-center gap-2 rounded-md px-2 text-sm font-medium text-muted-foreground outline-hidden transition-colors hover:bg-accent hover:text-accent-foreground focus-visible:ring-2 focus-visible:ring-ring",
                        active && "bg-accent text-foreground",
                      )}
                    >
                      <Icon aria-hidden="true" className="size-4 shrink-0" />
                      {item.label}
                      {item.href === "/escalations" ? <PendingEscalationsBadge /> : null}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}

/** Lives here (the shell's client module) so the server-rendered AppShell can include it. */
export function SignOutButton() {
  const [pending, setPending] = React.useState(false);
  return (
    <Button
      variant="ghost"
      size="sm"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/sign-in" });
      }}
    >
      {pending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : <LogOut aria-hidden="true" />}
      Sign out
    </Button>
  );
}
