// RFC 9162 §2.1.3.2 inclusion-proof verification in the browser (WebCrypto), so a person can see
// that an event is in the signed log without trusting the page's word for it. The same algorithm
// as lib/audit/log/merkle.ts (node:crypto, server and offline verifier); inclusion.test.ts holds
// the two together.

export type InclusionProof = { leafIndex: number; treeSize: number; leafHash: string; proof: string[] };

const fromBase64 = (b64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

async function node(left: Uint8Array, right: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const data = new Uint8Array(1 + left.length + right.length);
  data[0] = 1;
  data.set(left, 1);
  data.set(right, 1 + left.length);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

/** Whether `p` proves its leaf at its index in the tree of `p.treeSize` leaves whose root is `rootB64`. */
export async function verifyInclusionInBrowser(p: InclusionProof, rootB64: string): Promise<boolean> {
  let fn = p.leafIndex;
  let sn = p.treeSize - 1;
  if (!(fn >= 0 && fn <= sn)) return false;
  let r = fromBase64(p.leafHash);
  for (const b64 of p.proof) {
    if (sn === 0) return false;
    const h = fromBase64(b64);
    if (fn % 2 === 1 || fn === sn) {
      r = await node(h, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await node(r, h);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  const root = fromBase64(rootB64);
  return sn === 0 && r.length === root.length && r.every((x, i) => x === root[i]);
}

/** The root hash (base64) and size of a checkpoint note's body: origin, size, root lines. */
export function checkpointRoot(note: string): { size: number; root: string } | null {
  const [, size, root] = note.split("\n");
  return /^\d+$/.test(size ?? "") && root ? { size: Number(size), root } : null;
}
