import * as React from "react";
import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { Nav, SignOutButton } from "./nav";
import { ROLE_LABELS, type Role } from "./nav-items";

export type ShellUser = { name: string; email: string; role: Role; mustChangePassword?: boolean };

const MAIN_ID = "main-content";

/**
 * Dashboard frame: banner (product, user, sign out), sidebar navigation, main content.
 * A server component; only Nav and SignOutButton hydrate.
 */
export function AppShell({ user, children }: { user: ShellUser; children: React.ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      {/* First focusable element: lets keyboard users jump past the banner and ~12 nav links. */}
      <a
        href={`#${MAIN_ID}`}
        className="sr-only z-50 rounded-md bg-primary px-3 py-2 text-sm font-medium text-primary-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:ring-2 focus:ring-ring focus:outline-hidden"
      >
        Skip to content
      </a>

      <header className="sticky top-0 z-40 flex h-12 shrink-0 items-center gap-3 border-b bg-background/95 px-4 backdrop-blur supports-[backdrop-filter]:bg-background/80">
        <Link
          href="/"
          className="flex items-center gap-2 rounded-md font-semibold tracking-tight outline-hidden focus-visible:ring-2 focus-visible:ring-ring"
        >
          {/* Decorative: the name beside it is the link's text. A plain <img>: an SVG gains nothing from next/image. */}
          <img src="/logo-mark.svg" alt="" width={20} height={20} className="size-5" />
          Warden
        </Link>
        <div className="ml-auto flex min-w-0 items-center gap-3">
          <div className="hidden min-w-0 flex-col items-end leading-tight sm:flex">
            <span className="truncate text-sm font-medium">{user.name}</span>
            <span className="truncate text-xs text-muted-foreground">{user.email}</span>
          </div>
          <Badge variant="outline" title="Your role">
            <span className="sr-only">Role: </span>
            {ROLE_LABELS[user.role]}
          </Badge>
          <Link
            href="/settings/password"
            className="rounded-md px-2 py-1 text-xs text-muted-foreground hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
          >
            Change password
          </Link>
          <SignOutButton />
        </div>
      </header>

      <div className="flex flex-1 flex-col md:flex-row">
        <div className="shrink-0 border-b md:w-52 md:border-r md:border-b-0">
          <div className="md:sticky md:top-12 md:max-h-[calc(100dvh-3rem)] md:overflow-y-auto">
            <Nav role={user.role} />
          </div>
        </div>
        {/* tabIndex -1: the skip link moves focus here, not just the scroll position. */}
        <main id={MAIN_ID} tabIndex={-1} className="min-w-0 flex-1 px-4 py-4 outline-hidden md:px-6">
          {user.mustChangePassword ? (
            <div role="alert" className="mb-4 rounded-md border border-warning/50 bg-warning/10 px-3 py-2 text-sm">
              You are signed in with a one-time password.{" "}
              <Link className="font-medium underline" href="/settings/password">
                Choose your own password now
              </Link>
              .
            </div>
          ) : null}
          {children}
        </main>
      </div>
    </div>
  );
}
