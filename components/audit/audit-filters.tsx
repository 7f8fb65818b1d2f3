"use client";

import * as React from "react";
import { FilterBar } from "@/components/data-table/filter-bar";
import { useUrlState } from "@/components/data-table/use-url-state";
import { Time } from "@/components/time";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { shortId } from "@/lib/utils";

export type Option = { id: string; name: string };

const ACTOR_KINDS = ["person", "agent", "system"];
// The verb families written to the trail today (lib/services/*, lib/decision/*); any other
// dotted prefix can be typed.
export const ACTION_FAMILIES = [
  "decision.", "session.", "escalation.", "credential.", "connector.", "agent.", "policy.", "finding.",
  "webhook.", "notification.", "person.", "token.", "trust.", "report.", "audit.",
];
// The list schema's rule (lib/db/queries/audit.ts), checked here so a typo is explained instead of a 400.
const ACTION_RE = /^[a-z0-9_]+(\.[a-z0-9_]*)*$/;
const PRESETS = [
  { value: "1h", label: "Last hour", ms: 3_600_000 },
  { value: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
] as const;
/** Not a list filter: remembers which preset set `from`, so the select can name it. */
export const RANGE_PARAM = "range";
/** Every parameter these controls own (Clear filters removes them all). */
export const AUDIT_FILTER_PARAMS = ["actorKind", "actorId", "agentId", "action", "from", "to", RANGE_PARAM, "sessionId", "seq", "toSeq"];

/** Person, agent, actor kind, type and time filters for the audit trail, all kept in the URL. */
export function AuditFilters({ people, agents }: { people: Option[]; agents: Option[] }) {
  return (
    <FilterBar searchLabel="Search the audit trail" searchPlaceholder="Action, actor or target id" alsoClears={AUDIT_FILTER_PARAMS}>
      <PersonFilter people={people} />
      <AgentFilter agents={agents} />
      <ActorKindFilter />
      <TypeFilter />
      <TimeFilter />
    </FilterBar>
  );
}

function Labeled({ label, htmlFor, children }: { label: string; htmlFor: string; children: React.ReactNode }) {
  return (
    <div className="flex items-center gap-1.5">
      <label htmlFor={htmlFor} className="text-xs font-medium text-muted-foreground">
        {label}
      </label>
      {children}
    </div>
  );
}

function Select({ id, value, onChange, children }: { id: string; value: string; onChange: (v: string) => void; children: React.ReactNode }) {
  return (
    <NativeSelect id={id} value={value} onChange={(e) => onChange(e.target.value)} wrapperClassName="w-auto" className="max-w-56 min-w-28">
      {children}
    </NativeSelect>
  );
}

/** Withheld ids (e.g. from a link) still show as a choice instead of a blank select. */
function withCurrent(options: Option[], current: string, label: string): Option[] {
  return current && !options.some((o) => o.id === current) ? [...options, { id: current, name: `${label} ${shortId(current)}` }] : options;
}

function PersonFilter({ people }: { people: Option[] }) {
  const { get, setParams } = useUrlState();
  const id = React.useId();
  const kind = get("actorKind");
  // actor_id holds the person's id for person events (lib/services/context.ts); an agent id arriving
  // by link is not a person, and shows as a chip instead.
  const current = kind === "person" || people.some((p) => p.id === get("actorId")) ? (get("actorId") ?? "") : "";
  return (
    <Labeled label="Person" htmlFor={id}>
      <Select
        id={id}
        value={current}
        onChange={(v) => setParams(v ? { actorKind: "person", actorId: v } : { actorId: null, actorKind: kind === "person" ? null : kind })}
      >
        <option value="">Anyone</option>
        {withCurrent(people, current, "person").map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </Select>
    </Labeled>
  );
}

function AgentFilter({ agents }: { agents: Option[] }) {
  const { get, setParams } = useUrlState();
  const id = React.useId();
  const current = get("agentId") ?? "";
  return (
    <Labeled label="Agent" htmlFor={id}>
      <Select id={id} value={current} onChange={(v) => setParams({ agentId: v || null })}>
        <option value="">Any agent</option>
        {withCurrent(agents, current, "agent").map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </Select>
    </Labeled>
  );
}

function ActorKindFilter() {
  const { get, setParams } = useUrlState();
  const id = React.useId();
  const kind = get("actorKind") ?? "";
  return (
    <Labeled label="Actor" htmlFor={id}>
      {/* Another kind than person drops a person chosen above: it could never match. */}
      <Select id={id} value={kind} onChange={(v) => setParams(v === "person" || !get("actorId") ? { actorKind: v || null } : { actorKind: v || null, actorId: null })}>
        <option value="">All</option>
        {ACTOR_KINDS.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </Select>
    </Labeled>
  );
}

/** A family from the select, or any dotted prefix typed (applied on Enter or when leaving the field). */
function TypeFilter() {
  const { get, setParams } = useUrlState();
  const id = React.useId();
  const action = get("action") ?? "";
  const [text, setText] = React.useState(action);
  const [error, setError] = React.useState<string | null>(null);
  const inputRef = React.useRef<HTMLInputElement>(null);
  React.useEffect(() => {
    if (document.activeElement !== inputRef.current) setText(action);
  }, [action]);

  function apply(raw: string) {
    const v = raw.trim().toLowerCase();
    if (v && !ACTION_RE.test(v)) return setError("Use a dotted prefix such as decision. or agent.quarantined");
    setError(null);
    if (v !== action) setParams({ action: v || null });
  }

  const family = ACTION_FAMILIES.includes(action) ? action : action ? "custom" : "";
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <Labeled label="Type" htmlFor={`${id}-family`}>
        <Select id={`${id}-family`} value={family} onChange={(v) => v !== "custom" && apply(v)}>
          <option value="">Any type</option>
          {ACTION_FAMILIES.map((f) => (
            <option key={f} value={f}>
              {f}*
            </option>
          ))}
          {family === "custom" ? <option value="custom">{action}*</option> : null}
        </Select>
      </Labeled>
      <label htmlFor={`${id}-prefix`} className="sr-only">
        Action prefix
      </label>
      <Input
        ref={inputRef}
        id={`${id}-prefix`}
        value={text}
        placeholder="or a prefix: decision.deny"
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        className="h-8 w-48 font-mono text-xs"
        onChange={(e) => setText(e.target.value)}
        onBlur={() => apply(text)}
        onKeyDown={(e) => {
          if (e.key === "Enter") apply(text);
        }}
      />
      {error ? (
        <span id={`${id}-err`} role="alert" className="text-xs text-destructive">
          {error}
        </span>
      ) : null}
    </div>
  );
}

const subscribeNothing = () => () => {};
/** False during server rendering and hydration: local-time text must wait for the browser. */
function useIsClient() {
  return React.useSyncExternalStore(subscribeNothing, () => true, () => false);
}

/** "YYYY-MM-DDTHH:mm" in the viewer's zone, as <input type="datetime-local"> wants it. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The reverse: a local wall-clock time to an ISO instant (null when empty or invalid). */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value); // no zone in the string: read as local time
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function TimeFilter() {
  const { get, setParams, setParamsDebounced } = useUrlState();
  const id = React.useId();
  const isClient = useIsClient();
  const from = get("from");
  const to = get("to");
  const range = get(RANGE_PARAM);
  const preset = PRESETS.find((p) => p.value === range);
  const mode = preset && from && !to ? preset.value : from || to || range === "custom" ? "custom" : "";
  const zone = isClient ? Intl.DateTimeFormat().resolvedOptions().timeZone : null;

  function choose(v: string) {
    const p = PRESETS.find((x) => x.value === v);
    // A preset becomes a fixed window at the moment it is chosen, so a shared link (and an export) shows the same events.
    if (p) setParams({ [RANGE_PARAM]: p.value, from: new Date(Date.now() - p.ms).toISOString(), to: null });
    else if (v === "custom") setParams({ [RANGE_PARAM]: "custom" });
    else setParams({ [RANGE_PARAM]: null, from: null, to: null });
  }

  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <Labeled label="Time" htmlFor={`${id}-range`}>
        <Select id={`${id}-range`} value={mode} onChange={choose}>
          <option value="">Any time</option>
          {PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </Select>
      </Labeled>
      {mode === "custom" ? (
        <>
          <DateTimeField id={`${id}-from`} label="From" iso={from} enabled={isClient} onChange={(v) => setParamsDebounced({ [RANGE_PARAM]: "custom", from: v })} />
          <DateTimeField id={`${id}-to`} label="To" iso={to} enabled={isClient} onChange={(v) => setParamsDebounced({ [RANGE_PARAM]: "custom", to: v })} />
        </>
      ) : mode && from ? (
        <span className="text-xs text-muted-foreground">
          since <Time value={from} show="absolute" />
        </span>
      ) : null}
      {mode && zone ? <span className="text-xs text-muted-foreground">({zone} time)</span> : null}
    </div>
  );
}

/** A local-time field over an ISO URL value; keeps its own text while focused so a slow navigation never overwrites typing. */
function DateTimeField({ id, label, iso, enabled, onChange }: { id: string; label: string; iso: string | null; enabled: boolean; onChange: (iso: string | null) => void }) {
  const ref = React.useRef<HTMLInputElement>(null);
  const fromUrl = enabled ? toLocalInput(iso) : "";
  const [text, setText] = React.useState(fromUrl);
  React.useEffect(() => {
    if (document.activeElement !== ref.current) setText(fromUrl);
  }, [fromUrl]);
  return (
    <Labeled label={label} htmlFor={id}>
      <Input
        ref={ref}
        id={id}
        type="datetime-local"
        className="h-8 w-auto"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          onChange(fromLocalInput(e.target.value));
        }}
      />
    </Labeled>
  );
}
