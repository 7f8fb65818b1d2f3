import { z } from "zod";

const segment = /^[a-z0-9][a-z0-9_\-/]*$/;

// Text Postgres cannot store (NUL, lone surrogates) is refused by parseWith's guard (lib/storable.ts).
const text = (max: number) => z.string().min(1).max(max);

/** POST /api/v1/credentials from an agent: a credential for one task (its session). */
export const issueJitSchema = z.object({
  sessionId: z.uuid(),
  connector: z.string().regex(segment, "connector: lower-case letters, digits, '-', '_' or '/'").max(120),
  // "tool.operation" on that connector, e.g. "issues.read".
  operations: z
    .array(z.string().max(241).regex(/^[a-z0-9][a-z0-9_\-/]*\.[a-z0-9][a-z0-9_\-/]*$/, "each operation is tool.operation, e.g. issues.read"))
    .min(1)
    .max(50),
  resources: z.array(text(500)).max(50).optional(),
  ttlSeconds: z.number().int().min(30).max(86_400).optional(),
  name: text(120).optional(),
});
export type IssueJit = z.infer<typeof issueJitSchema>;

/** RFC 7662 / RFC 7009 bodies: `token` (form-encoded or JSON), `token_type_hint` ignored. */
export const tokenBodySchema = z.object({ token: z.string().min(1).max(400), token_type_hint: z.string().max(100).optional() });
