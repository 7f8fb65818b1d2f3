// Plain option lists shared by the schemas and the client pages (no imports: safe in the browser).

/** Every credential kind (lib/db/schema/enums.ts). */
export const CREDENTIAL_KINDS = ["bootstrap_key", "api_key", "oauth_token", "database_role", "cloud_key", "ssh_key", "other"] as const;

/** Kinds a person may record as a standing secret held elsewhere; Warden issues the others. */
export const STANDING_KINDS = ["api_key", "oauth_token", "cloud_key", "ssh_key", "other"] as const;

export const CREDENTIAL_KIND_LABELS: Record<(typeof CREDENTIAL_KINDS)[number], string> = {
  bootstrap_key: "Bootstrap key",
  api_key: "API key",
  oauth_token: "OAuth token",
  database_role: "Database role",
  cloud_key: "Cloud key",
  ssh_key: "SSH key",
  other: "Other",
};

export const CREDENTIAL_STATUSES = ["active", "expired", "revoked"] as const;

export const BULK_REVOKE_MAX = 500;
