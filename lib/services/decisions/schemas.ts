import { z } from "zod";
import { notStoredAsGiven } from "@/lib/domain/request";
import { SENSITIVITIES } from "@/lib/policy/sensitivity";

const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(120)
    .regex(/^[a-z0-9][a-z0-9_\-/]*$/, `${what}: lower-case letters, digits, '-', '_' or '/'`);

// Text Postgres cannot store (NUL, lone surrogates) is refused by parseWith's guard (lib/storable.ts).
const text = (max: number) => z.string().max(max);

export const actionSchema = z.object({
  connector: name("connector"),
  tool: name("tool"),
  operation: name("operation"),
  resource: text(500).optional(),
  sensitivity: z.enum(SENSITIVITIES).optional(),
  destination: text(500).optional(),
  arguments: z.unknown().optional(),
});

// Arguments are digested and only their shape is kept (lib/policy/arguments.ts): any JSON will do.
export const authorizeSchema = notStoredAsGiven(
  z.object({
    sessionId: z.uuid(),
    action: actionSchema,
  }),
  ["action.arguments"],
);

export type AuthorizeInput = z.infer<typeof authorizeSchema>;
export type ActionInput = z.infer<typeof actionSchema>;
