import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import { compareAsk, type DiffLike, type IntentLike, type Kind } from "./ask";

const HEADS: Record<Kind, (v: number) => [string, string]> = {
  action: (v) => [`Declared intent (v${v})`, "Requested call"],
  intent_change: (v) => ["Current intent", `Requested intent${v ? ` (v${v})` : ""}`],
  session_open: () => ["Allowed (envelope or parent)", "Requested intent"],
};

/**
 * The declared intent beside what is asked, one row per dimension; the rows the policy found
 * outside are marked in colour and in words, so the difference never rests on colour alone.
 */
export function AskComparison({ kind, action, intent, intentVersion, diff }: { kind: Kind; action: unknown; intent: IntentLike | null | undefined; intentVersion: number; diff: DiffLike[] | null }) {
  const rows = compareAsk(kind, action, intent, diff);
  const version = kind === "intent_change" ? Number((action as { version?: number })?.version ?? 0) : intentVersion;
  const [left, right] = HEADS[kind](version);
  return (
    <Table aria-label="Declared intent and what is asked">
      <TableHeader>
        <TableRow>
          <TableHead className="w-32">Field</TableHead>
          <TableHead>{left}</TableHead>
          <TableHead>{right}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.field} data-differs={r.differs || undefined} className={cn(r.differs && "bg-destructive/5")}>
            <TableCell className={cn("font-medium", r.differs && "border-l-4 border-l-destructive")}>
              {r.label}
              {r.differs ? <span className="block text-xs font-normal text-destructive">outside</span> : null}
            </TableCell>
            <TableCell className="whitespace-normal break-all font-mono text-xs">{r.declared}</TableCell>
            <TableCell className={cn("whitespace-normal break-all font-mono text-xs", r.differs && "font-semibold text-destructive")}>{r.requested}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
