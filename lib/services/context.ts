import type { RequestMeta } from "@/lib/domain/request";
import type { Actor } from "@/lib/audit/record";
import type { Person } from "@/lib/domain/person";

/** Who is acting and on which request: every service verb takes one, every audit row uses it. */
export type Caller = { actor: Actor; requestId?: string | null; ip?: string | null };

export function personCaller(person: Person, meta?: RequestMeta): Caller {
  return { actor: { kind: "person", id: person.id, label: person.email }, requestId: meta?.requestId, ip: meta?.ip };
}

export const systemCaller = (label: string): Caller => ({ actor: { kind: "system", label } });

export function auditMeta(c: Caller) {
  return { actor: c.actor, requestId: c.requestId ?? null, ip: c.ip ?? null };
}
