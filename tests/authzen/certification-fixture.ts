// The AuthZEN certification fixture in Cedar, verbatim from docs/authzen-pdp-plan.md section 2:
// the general schema namespace and its five policies. Shared by the integration tests and the
// e2e specs (and, in step 4, the fixture loader) so they exercise one and the same text.

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

export const CERTIFICATION_POLICIES: readonly { name: string; description: string; cedar: string }[] = [
  {
    name: "cert-read",
    description: "Members of staff read records (rules 1, 3; S1, S2, S3).",
    cedar: 'permit (principal in Certification::group::"staff", action == Certification::Action::"read", resource is Certification::record);',
  },
  {
    name: "cert-write-alice",
    description: "Alice writes records (rule 2).",
    cedar: 'permit (principal == Certification::user::"alice", action == Certification::Action::"write", resource is Certification::record);',
  },
  {
    name: "cert-write-archived-admin",
    description: "Admins write archived records (rule 6; S4, S5, S6).",
    cedar: `permit (principal is Certification::user, action == Certification::Action::"write", resource is Certification::record)
when { principal has role && principal.role == "admin" && resource has status && resource.status == "archived" };`,
  },
  {
    name: "cert-archived-needs-admin",
    description: "Only admins write archived records (rule 5).",
    cedar: `forbid (principal, action == Certification::Action::"write", resource is Certification::record)
when { resource has status && resource.status == "archived" }
unless { principal has role && principal.role == "admin" };`,
  },
  {
    name: "cert-soft-delete",
    description: "Staff may delete softly (rules 7, 8).",
    cedar: `permit (principal in Certification::group::"staff", action == Certification::Action::"delete", resource is Certification::record)
when { context.action has soft && context.action.soft == true };`,
  },
];
