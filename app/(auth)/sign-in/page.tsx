import { redirect } from "next/navigation";
import { currentPerson } from "@/lib/api/current-person";
import { SignInForm } from "./sign-in-form";

export const metadata = { title: "Sign in · Warden" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const sp = await searchParams;
  if (await currentPerson()) redirect(safeCallback(sp.callbackUrl));
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-6">
      <div className="w-full max-w-sm rounded-lg border bg-card p-6 shadow-sm">
        <div className="mb-6">
          <h1 className="flex items-center gap-2 text-xl font-semibold tracking-tight">
            <img src="/logo-mark.svg" alt="" width={28} height={28} className="size-7" />
            Warden
          </h1>
          <p className="text-sm text-muted-foreground">Runtime governance for AI agents. Sign in to continue.</p>
        </div>
        <SignInForm callbackUrl={safeCallback(sp.callbackUrl)} initialError={sp.error ? "Sign-in failed. Check your email and password." : undefined} />
      </div>
    </main>
  );
}

/** Only same-site paths: an open redirect after sign-in would be a phishing aid. */
function safeCallback(url: string | undefined) {
  return url && url.startsWith("/") && !url.startsWith("//") ? url : "/";
}
