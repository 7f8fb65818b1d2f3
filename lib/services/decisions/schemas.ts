import { z } from "zod";
import { SENSITIVITIES } from "@/lib/policy/sensitivity";

const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(120)
    .regex(/^[a-z0-9][a-z0-9_\-/]*$/, `${what}: lower-case letters, digits, '-', '_' or '/'`);

// Postgres text cannot hold NUL: refused here with a clear 400, not failed at the write.
const text = (max: number) => z.string().max(max).refine((s) => !s.includes("\u0000"), "must not contain NUL characters");

export const actionSchema = z.object({
  connector: name("connector"),
  tool: name("tool"),
  operation: name("operation"),
  resource: text(500).optional(),
  sensitivity: z.enum(SENSITIVITIES).optional(),
  destination: text(500).optional(),
  arguments: z.unknown().optional(),
});

export const authorizeSchema = z.object({
  sessionId: z.uuid(),
  action: actionSchema,
});

export type AuthorizeInput = z.infer<typeof authorizeSchema>;
export type ActionInput = z.infer<typeof actionSchema>;
