// `npm run bench`: every benchmark, one after the other, on this machine. Figures go to stdout;
// copy them into docs/benchmarks.md with the machine and the command.
import os from "node:os";
import { benchLists } from "./lists";

async function main() {
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  await benchLists();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
