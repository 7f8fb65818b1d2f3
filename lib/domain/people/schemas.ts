import { z } from "zod";
import { ROLES } from "@/lib/policy/roles";
import { listQuery } from "@/lib/domain/list-query";

// The password rule is part of the person schema; lib/auth/password.ts hashes and re-exports it.
export const MIN_PASSWORD_LENGTH = 12;
// Long enough for any passphrase, short enough that scrypt input stays bounded.
const MAX_PASSWORD_LENGTH = 256;

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `use at most ${MAX_PASSWORD_LENGTH} characters`);

const email = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email("enter a valid email address"))
  .transform((v) => v.toLowerCase());

const name = z.string().trim().min(1, "required").max(200);

export const personCreateSchema = z.object({
  email,
  name,
  role: z.enum(ROLES),
  // Omitted: a one-time password is generated, returned once, and must be changed at first sign-in.
  password: passwordSchema.optional(),
});

export const personUpdateSchema = z
  .object({ name: name.optional(), role: z.enum(ROLES).optional() })
  .refine((v) => v.name !== undefined || v.role !== undefined, { message: "change name or role", path: ["(body)"] });

export const reasonSchema = z.object({ reason: z.string().trim().min(3, "give a reason (3+ characters)").max(1000) });

export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1, "required").max(MAX_PASSWORD_LENGTH),
    newPassword: passwordSchema,
  })
  .refine((v) => v.currentPassword !== v.newPassword, {
    message: "choose a password different from the current one",
    path: ["newPassword"],
  });

export const personListSchema = listQuery.extend({
  role: z.enum(ROLES).optional(),
  status: z.enum(["active", "disabled"]).optional(),
  sort: z.enum(["name", "email", "role", "createdAt", "lastSignInAt"]).default("name"),
});

export type PersonCreate = z.infer<typeof personCreateSchema>;
export type PersonUpdate = z.infer<typeof personUpdateSchema>;
export type PasswordChange = z.infer<typeof passwordChangeSchema>;
export type PersonListQuery = z.infer<typeof personListSchema>;
