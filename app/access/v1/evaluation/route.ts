import type { NextRequest } from "next/server";
import { answerAuthzen } from "@/lib/api/authzen-endpoint";
import { readJson } from "@/lib/api/body";
import { requestMeta } from "@/lib/api/meta";
import { authzenBody } from "@/lib/domain/authzen/schemas";

// OpenID AuthZEN 1.0 Access Evaluation API. In production the node:http machine listener
// (lib/api/machine-listener.ts) answers this path before Next sees it; this route serves
// `next dev`. Both answer through answerAuthzen (lib/api/authzen-endpoint.ts).
export async function POST(req: NextRequest) {
  const a = await answerAuthzen("evaluation", req.headers.get("authorization"), (max) => readJson(req, authzenBody, max), requestMeta(req));
  return Response.json(a.body, { status: a.status, headers: a.headers });
}
