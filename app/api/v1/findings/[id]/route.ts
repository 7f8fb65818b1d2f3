import { readJson } from "@/lib/api/body";
import { notFound } from "@/lib/errors";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getFinding } from "@/lib/db/queries/findings";
import { personCaller } from "@/lib/services/context";
import { findingUpdateSchema, updateFinding } from "@/lib/services/findings/update";

export const GET = withPerson<{ id: string }>(
  async ({ params }) => {
    const f = await getFinding(await getDb(), idParam(params.id, "Finding"));
    if (!f) throw notFound("Finding");
    return f;
  },
  { can: "readInventory" },
);

// Acknowledge / resolve / reopen with a note, or assign to a person.
export const PATCH = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Finding");
    const input = await readJson(req, findingUpdateSchema);
    await updateFinding(await getDb(), personCaller(person, meta), id, input);
    return getFinding(await getDb(), id);
  },
  { can: "manageFindings" },
);
