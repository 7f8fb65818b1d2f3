// The AuthZEN certification fixture (tests/authzen/, scenario §C-1) in Cedar, as written out in
// docs/authzen-pdp-plan.md §2: one namespace, five entities, five policies. The unit tests
// evaluate it through the general engine; the fixture loader of a later step posts the same.
import type { PolicyInput } from "../cedar/sliced-core";
import type { EntityRecord } from "./memory-entities";

export const CERTIFICATION_NAMESPACE = "Certification";

export const CERTIFICATION_SCHEMA = `namespace Certification {
  entity group;
  entity user in [group] = { "role"?: String };
  entity record = { "status"?: String };
  type ActionProperties = { "soft"?: Bool };
  type RequestContext = { "action": ActionProperties };
  action "read", "write", "delete" appliesTo { principal: [user], resource: [record], context: RequestContext };
}
`;

const staff = [{ type: "Certification::group", id: "staff" }];
export const CERTIFICATION_ENTITIES: EntityRecord[] = [
  { namespace: CERTIFICATION_NAMESPACE, type: "group", id: "staff", properties: {}, parents: [] },
  { namespace: CERTIFICATION_NAMESPACE, type: "user", id: "alice", properties: {}, parents: staff },
  { namespace: CERTIFICATION_NAMESPACE, type: "user", id: "bob", properties: { role: "admin" }, parents: staff },
  { namespace: CERTIFICATION_NAMESPACE, type: "record", id: "record-1", properties: { status: "active" }, parents: [] },
  { namespace: CERTIFICATION_NAMESPACE, type: "record", id: "record-2", properties: { status: "archived" }, parents: [] },
];

const policy = (id: string, text: string): PolicyInput => ({ id, text, enabled: true });
export const CERTIFICATION_POLICIES: PolicyInput[] = [
  // members of staff read records (rules 1, 3; S1, S2, S3)
  policy(
    "cert-read",
    `permit (principal in Certification::group::"staff", action == Certification::Action::"read", resource is Certification::record);`,
  ),
  // alice writes records (rule 2)
  policy(
    "cert-write-alice",
    `permit (principal == Certification::user::"alice", action == Certification::Action::"write", resource is Certification::record);`,
  ),
  // admins write archived records (rule 6; S4, S5, S6)
  policy(
    "cert-write-archived-admin",
    `permit (principal is Certification::user, action == Certification::Action::"write", resource is Certification::record)
when { principal has role && principal.role == "admin" && resource has status && resource.status == "archived" };`,
  ),
  // rule 5
  policy(
    "cert-archived-needs-admin",
    `forbid (principal, action == Certification::Action::"write", resource is Certification::record)
when { resource has status && resource.status == "archived" }
unless { principal has role && principal.role == "admin" };`,
  ),
  // rules 7, 8
  policy(
    "cert-soft-delete",
    `permit (principal in Certification::group::"staff", action == Certification::Action::"delete", resource is Certification::record)
when { context.action has soft && context.action.soft == true };`,
  ),
];
