import { AppShell } from "@/components/shell/app-shell";
import { requirePagePerson } from "@/lib/auth/current";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const person = await requirePagePerson();
  return <AppShell user={{ name: person.name, email: person.email, role: person.role, mustChangePassword: person.mustChangePassword }}>{children}</AppShell>;
}
