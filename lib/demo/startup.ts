import type { Db } from "@/lib/db/client";
import { countUsers } from "@/lib/db/queries/users";

/** Seeds the demo fleet on an empty database, printing progress. Returns true if it seeded. */
export async function seedDemoIfEmpty(db: Db): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  const { seedDemo } = await import("./seed");
  const t0 = Date.now();
  const { people } = await seedDemo(db, {
    onProgress: (step, done, total) => console.log(`[warden] demo seed ${done}/${total}: ${step}`),
  });
  console.log(`[warden] demo data ready in ${((Date.now() - t0) / 1000).toFixed(1)} s. Sign in with:`);
  for (const p of people) console.log(`[warden]   ${p.role.padEnd(8)} ${p.email}  /  ${p.password}`);
  return true;
}
