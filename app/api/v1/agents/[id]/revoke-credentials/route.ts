import { revokeAllRoute } from "@/lib/api/revoke-all-route";

// Revokes every live credential of this agent, with a reason.
export const POST = revokeAllRoute("agent");
