// Plain option lists shared by the zod schemas and the client forms (no imports, so pages can
// ship them to the browser without pulling in zod or drizzle). They mirror the enums in
// lib/db/schema/enums.ts; schemas.ts checks at compile time that they still agree.

export const CONNECTOR_KINDS = [
  "mcp_server",
  "saas_api",
  "database",
  "object_storage",
  "messaging",
  "internal_api",
  "other",
] as const;

export const CONNECTOR_KIND_LABELS: Record<(typeof CONNECTOR_KINDS)[number], string> = {
  mcp_server: "MCP server",
  saas_api: "SaaS API",
  database: "Database",
  object_storage: "Object storage",
  messaging: "Messaging",
  internal_api: "Internal API",
  other: "Other",
};

export const TOOL_ACCESS = ["read", "write", "delete", "admin"] as const;

export const SENSITIVITY_LEVELS = ["public", "internal", "confidential", "restricted"] as const;
