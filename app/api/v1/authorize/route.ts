import type { NextRequest } from "next/server";
import { answerAuthorize, AUTHORIZE_MAX_BODY } from "@/lib/api/authorize-endpoint";
import { readJson } from "@/lib/api/body";
import { requestMeta } from "@/lib/api/meta";
import { authorizeSchema } from "@/lib/services/decisions/schemas";

// In production the node:http machine listener (server.ts) answers this path before Next sees
// it; this route serves `next dev` and anything that runs Next without server.ts. Both answer
// through answerAuthorize.
export async function POST(req: NextRequest) {
  const meta = requestMeta(req);
  const a = await answerAuthorize(req.headers.get("authorization"), () => readJson(req, authorizeSchema, AUTHORIZE_MAX_BODY), meta);
  return Response.json(a.body, { status: a.status, headers: a.headers });
}
