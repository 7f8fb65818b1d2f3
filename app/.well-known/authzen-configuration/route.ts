import type { NextRequest } from "next/server";
import { answerMetadata } from "@/lib/api/authzen-endpoint";
import { requestMeta } from "@/lib/api/meta";

// AuthZEN 1.0 PDP metadata. In production the node:http machine listener answers this path
// before Next sees it; this route serves `next dev`. Both answer through answerMetadata.
export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  const a = answerMetadata(req.headers, process.env, requestMeta(req));
  return Response.json(a.body, { status: a.status, headers: a.headers });
}
