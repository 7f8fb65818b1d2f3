// Plain data (no "use client") so server code can reuse it, e.g. to pick a landing page or to
// check a route against the same role lists. Hiding a link is convenience, not access control:
// every page and handler still checks the role itself.
import {
  Activity,
  Bot,
  ChartColumn,
  FileCheck,
  Fingerprint,
  Hand,
  KeyRound,
  KeySquare,
  LayoutDashboard,
  Plug,
  Radar,
  ScrollText,
  ShieldCheck,
  Users,
  Webhook,
  type LucideIcon,
} from "lucide-react";
import { CAN } from "@/lib/policy/roles";

export const ROLES = ["admin", "analyst", "approver", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  analyst: "Analyst",
  approver: "Approver",
  auditor: "Auditor",
};

export type NavGroup = "main" | "administration";

export type NavItem = {
  href: string;
  label: string;
  icon: LucideIcon;
  roles: readonly Role[];
  group: NavGroup;
};

const everyone = ROLES;

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/", label: "Overview", icon: LayoutDashboard, roles: everyone, group: "main" },
  { href: "/sessions", label: "Sessions", icon: Activity, roles: everyone, group: "main" },
  { href: "/escalations", label: "Escalations", icon: Hand, roles: CAN.readInventory, group: "main" },
  { href: "/agents", label: "Agents", icon: Bot, roles: everyone, group: "main" },
  { href: "/connectors", label: "Connectors", icon: Plug, roles: everyone, group: "main" },
  { href: "/credentials", label: "Credentials", icon: KeyRound, roles: CAN.readInventory, group: "main" },
  { href: "/findings", label: "Findings", icon: Radar, roles: CAN.readInventory, group: "main" },
  { href: "/audit", label: "Audit", icon: ShieldCheck, roles: CAN.readAudit, group: "main" },
  { href: "/policies", label: "Policies", icon: ScrollText, roles: CAN.readPolicies, group: "main" },
  { href: "/reports", label: "Reports", icon: FileCheck, roles: CAN.readReports, group: "main" },
  { href: "/admin/people", label: "People", icon: Users, roles: CAN.managePeople, group: "administration" },
  { href: "/admin/identity", label: "Identity trust", icon: Fingerprint, roles: CAN.manageIdentity, group: "administration" },
  { href: "/admin/webhooks", label: "Webhooks", icon: Webhook, roles: CAN.manageWebhooks, group: "administration" },
  { href: "/settings/tokens", label: "API tokens", icon: KeySquare, roles: everyone, group: "administration" },
];

export const NAV_GROUP_LABELS: Record<NavGroup, string | null> = {
  main: null,
  administration: "Administration",
};

export function navItemsForRole(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.includes(role));
}

/** "/" matches only itself; other items also match their sub-pages (/agents/123). */
export function isActivePath(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/";
  return pathname === href || pathname.startsWith(`${href}/`);
}

/** The nav item a path belongs to (longest match), e.g. for breadcrumbs or a role check. */
export function navItemForPath(pathname: string): NavItem | undefined {
  return NAV_ITEMS.filter((item) => isActivePath(pathname, item.href)).sort((a, b) => b.href.length - a.href.length)[0];
}
