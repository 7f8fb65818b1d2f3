import { availableParallelism } from "node:os";
import { BadInput } from "./checkpoints";
import { verifyBundle, verifyDatabase, type VerifyOptions } from "./run";

// `warden-audit verify <bundle> | --database-url <url> [--witness <folder>] [--public-key <file>]…
// [--witness-key <file>]…` (each witness key: its checkpoints' cosignatures must verify, and at
// least one checkpoint must carry one)
// Exit 0: intact. 1: the log is not intact (the output names where). 2: the input could not be
// checked (unreadable, malformed, unreachable) — always one line, never a stack trace.

const USAGE = "usage: warden-audit verify (<bundle-file> | --database-url <url>) [--witness <folder>] [--public-key <file>]... [--witness-key <file>]... [--workers <n>] [--quiet]";

type Args = VerifyOptions & { bundle?: string; databaseUrl?: string };

function parseArgs(argv: string[]): Args {
  if (argv[0] !== "verify") throw new BadInput(USAGE);
  // A large bundle's events are parsed and hashed on worker threads, one per core (at most 4).
  const a: Args = { publicKeys: [], witnessKeys: [], workers: Math.min(4, availableParallelism()) };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new BadInput(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === "--database-url") a.databaseUrl = value();
    else if (arg === "--witness") a.witness = value();
    else if (arg === "--public-key") a.publicKeys.push(value());
    else if (arg === "--witness-key") a.witnessKeys!.push(value());
    else if (arg === "--quiet") a.quiet = true;
    else if (arg === "--workers") {
      const v = value();
      if (!/^\d{1,2}$/.test(v)) throw new BadInput(`--workers needs a whole number (0: none)\n${USAGE}`);
      a.workers = Number(v);
    }
    else if (arg.startsWith("--") || a.bundle !== undefined) throw new BadInput(`unexpected argument "${arg}"\n${USAGE}`);
    else a.bundle = arg;
  }
  if ((a.bundle === undefined) === (a.databaseUrl === undefined)) throw new BadInput(`give either a bundle file or --database-url\n${USAGE}`);
  return a;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const out = args.databaseUrl ? await verifyDatabase(args.databaseUrl, args) : await verifyBundle(args.bundle!, args);
  process.stdout.write(out.text + "\n");
  return out.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // BadInput is a sentence for the user; anything else is a bug, still reported as one line.
    const msg = err instanceof BadInput ? err.message : `could not verify: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`warden-audit: ${msg}\n`);
    process.exit(2);
  },
);
