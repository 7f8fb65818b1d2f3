// The AuthZEN certification fixture as the policy API takes it ({name, description, cedar}),
// from the one copy in lib/policy/general/certification-fixture.ts (docs/authzen-pdp-plan.md §2)
// that the engine's unit tests evaluate: the integration tests, the e2e specs and (in step 4)
// the fixture loader post exactly that text.
import { CERTIFICATION_NAMESPACE, CERTIFICATION_POLICIES as POLICIES, CERTIFICATION_SCHEMA } from "../../lib/policy/general/certification-fixture";

export { CERTIFICATION_NAMESPACE, CERTIFICATION_SCHEMA };

const DESCRIPTIONS: Record<string, string> = {
  "cert-read": "Members of staff read records (rules 1, 3; S1, S2, S3).",
  "cert-write-alice": "Alice writes records (rule 2).",
  "cert-write-archived-admin": "Admins write archived records (rule 6; S4, S5, S6).",
  "cert-archived-needs-admin": "Only admins write archived records (rule 5).",
  "cert-soft-delete": "Staff may delete softly (rules 7, 8).",
};

export const CERTIFICATION_POLICIES: readonly { name: string; description: string; cedar: string }[] = POLICIES.map((p) => ({
  name: p.id,
  description: DESCRIPTIONS[p.id] ?? p.id,
  cedar: p.text,
}));
