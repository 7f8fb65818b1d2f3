import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tz, updatedAt } from "./columns";
import { roleEnum } from "./enums";

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text("email").notNull(), // stored lower-cased
    name: text("name").notNull(),
    role: roleEnum("role").notNull(),
    // scrypt hash; never leaves lib/db/queries/users.ts or lib/auth/password.ts.
    passwordHash: text("password_hash").notNull(),
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    // Bumped on disable, role change and password change: any browser session minted with an
    // older epoch stops working on its next request.
    authEpoch: integer("auth_epoch").notNull().default(0),
    disabledAt: tz("disabled_at"),
    disabledBy: uuid("disabled_by"),
    disabledReason: text("disabled_reason"),
    lastSignInAt: tz("last_sign_in_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // sign-in lookup and duplicate check
    uniqueIndex("users_email_key").on(t.email),
    // admin list filtered by role
    index("users_role_idx").on(t.role),
  ],
);

// Personal API tokens for scripting the management API. The token carries the person's current
// role (not a copy), so a demotion or a disable applies to the token at once.
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(), // SHA-256 hex of the full token
    prefix: text("prefix").notNull(), // first characters, for display only
    expiresAt: tz("expires_at"),
    lastUsedAt: tz("last_used_at"),
    revokedAt: tz("revoked_at"),
    revokedBy: uuid("revoked_by"),
    revokeReason: text("revoke_reason"),
    createdAt: createdAt(),
  },
  (t) => [
    // bearer lookup on every scripted request
    uniqueIndex("api_tokens_hash_key").on(t.tokenHash),
    // "my tokens" list
    index("api_tokens_user_idx").on(t.userId, t.createdAt),
  ],
);

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: updatedAt(),
});

