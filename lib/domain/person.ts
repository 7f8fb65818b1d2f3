import type { Role } from "@/lib/policy/roles";

/** A signed-in person (browser session or personal API token), as every layer sees them. */
export type Person = {
  id: string;
  email: string;
  name: string;
  role: Role;
  via: "session" | "token";
  tokenId?: string;
  mustChangePassword?: boolean;
};
