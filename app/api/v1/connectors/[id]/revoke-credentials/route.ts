import { revokeAllRoute } from "@/lib/api/revoke-all-route";

// Break glass: revokes every live credential any agent holds for this connector, with a reason.
export const POST = revokeAllRoute("connector");
