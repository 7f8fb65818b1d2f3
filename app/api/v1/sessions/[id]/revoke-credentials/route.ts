import { revokeAllRoute } from "@/lib/api/revoke-all-route";

// Revokes every live credential of this session, with a reason.
export const POST = revokeAllRoute("session");
