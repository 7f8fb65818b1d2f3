import { notFound } from "next/navigation";
import type { EscalationView } from "@/components/escalations/types";
import { DomainError } from "@/lib/errors";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { getEscalationForPerson } from "@/lib/services/escalations/view";
import { EscalationDetail } from "./client";

export const metadata = { title: "Escalation · Warden" };

export default async function EscalationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const person = await requirePagePerson("readInventory", `/escalations/${id}`);
  if (!isUuid(id)) notFound();
  // First paint from the same function the API answers with; the client then keeps it live.
  let initial: EscalationView;
  try {
    initial = asJson(await getEscalationForPerson(await getDb(), person, id));
  } catch (err) {
    if (err instanceof DomainError && err.code === "not_found") notFound();
    throw err;
  }
  return <EscalationDetail id={id} initial={initial} />;
}
