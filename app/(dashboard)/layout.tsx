import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AppShell } from "@/components/shell/app-shell";
import { requirePagePerson } from "@/lib/api/current-person";

export const dynamic = "force-dynamic";

const PASSWORD_PAGE = "/settings/password";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const person = await requirePagePerson();
  // Someone signed in with a one-time password chooses their own before anything else.
  if (person.mustChangePassword && (await headers()).get("x-warden-path") !== PASSWORD_PAGE) redirect(PASSWORD_PAGE);
  return (
    <AppShell user={{ name: person.name, email: person.email, role: person.role, mustChangePassword: person.mustChangePassword }}>
      {children}
    </AppShell>
  );
}
