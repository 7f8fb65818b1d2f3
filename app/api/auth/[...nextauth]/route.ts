import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/api/next-auth-options";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// Options are built per request because the signing secret may come from the database.
async function handler(req: NextRequest, ctx: Ctx) {
  return NextAuth(req as never, ctx as never, await getAuthOptions());
}

export { handler as GET, handler as POST };
