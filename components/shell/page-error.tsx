"use client";

import { useRouter } from "next/navigation";
import { startTransition, useCallback, useEffect, useState } from "react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

// What a console page shows when it fails to render. The server does not say why in production
// (only a digest), so the page asks /api/health, which answers 503 exactly when the database is
// unreachable: then it says so, says what agents get meanwhile, and retries by itself until the
// database answers again. Anything else is a failure of this page, with its reference for the logs.

const RETRY_MS = 5_000;

type Health = "checking" | "database-down" | "up" | "unreachable";

async function health(): Promise<Health> {
  try {
    const r = await fetch("/api/health", { cache: "no-store" });
    if (r.ok) return "up";
    return r.status === 503 ? "database-down" : "unreachable";
  } catch {
    return "unreachable";
  }
}

export function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const [state, setState] = useState<Health>("checking");
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const router = useRouter();
  // A page that failed on the server renders again only with a fresh server payload: refresh, then reset.
  const retry = useCallback(() => startTransition(() => {
    router.refresh();
    reset();
  }), [router, reset]);

  useEffect(() => {
    let stopped = false;
    let wasDown = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      const h = await health();
      if (stopped) return;
      setState(h);
      setCheckedAt(new Date());
      // Back: render the page again. Still down (or Warden itself unreachable): look again soon.
      if (h === "up" && wasDown) return retry();
      if (h !== "up") {
        wasDown = true;
        timer = setTimeout(check, RETRY_MS);
      }
    };
    void check();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [retry]);

  const when = checkedAt ? checkedAt.toLocaleTimeString() : null;
  if (state === "database-down" || state === "unreachable") {
    return (
      <div className="mx-auto max-w-2xl p-6">
        <Alert variant="warning">
          <AlertTitle>{state === "database-down" ? "Warden cannot reach its database" : "Warden is not answering"}</AlertTitle>
          <AlertDescription>
            <p>
              {state === "database-down"
                ? "Nothing can be shown or changed until it is back. Meanwhile every agent's tool call is answered with a deny (503, reason warden.unavailable): nothing is allowed unrecorded."
                : "This page could not reach the Warden server. It may be restarting."}
            </p>
            <p aria-live="polite">
              Trying again every {RETRY_MS / 1000} s{when ? `; last checked at ${when}` : ""}. The page comes back by itself.
            </p>
          </AlertDescription>
        </Alert>
        <Button className="mt-4" variant="outline" onClick={retry}>
          Try now
        </Button>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-2xl p-6">
      <Alert variant="destructive">
        <AlertTitle>This page failed to load</AlertTitle>
        <AlertDescription>
          <p>{state === "checking" ? "Checking whether Warden's database is reachable…" : "The database is reachable; the error is in this page."}</p>
          {error.digest ? (
            <p>
              Reference for the server's log: <code className="font-mono">{error.digest}</code>
            </p>
          ) : null}
        </AlertDescription>
      </Alert>
      <Button className="mt-4" onClick={retry}>
        Try again
      </Button>
    </div>
  );
}
