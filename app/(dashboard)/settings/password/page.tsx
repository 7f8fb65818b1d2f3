import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { getDb } from "@/lib/runtime";
import { getUserById } from "@/lib/db/queries/users";
import { PasswordClient } from "./client";

export const metadata = { title: "Change password · Warden" };

export default async function PasswordPage() {
  const me = await requirePagePerson("readInventory", "/settings/password");
  const user = await getUserById(await getDb(), me.id);
  return (
    <>
      <PageHeader
        title="Change password"
        description="After the change every browser session you have ends, this one included, and you sign in again with the new password."
      />
      <PasswordClient email={me.email} mustChange={user?.mustChangePassword ?? false} minLength={MIN_PASSWORD_LENGTH} />
    </>
  );
}
