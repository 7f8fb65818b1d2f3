"use client";

import * as React from "react";
import { LoaderCircle, Search, X } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { cn } from "@/lib/utils";
import { SEARCH_PARAM } from "./list-params";
import { useUrlState } from "./use-url-state";

export type FilterOption = { value: string; label: string };

/** Options for a filter from its values; the label is the value itself unless `label` says otherwise. */
export function optionsOf(values: readonly string[], label: (value: string) => string = (v) => v): FilterOption[] {
  return values.map((value) => ({ value, label: label(value) }));
}
export type FilterDef = {
  /** URL parameter name, e.g. "status". */
  param: string;
  /** Visible label, e.g. "Status". */
  label: string;
  options: FilterOption[];
  /** Text of the option that clears the filter. Default "All". */
  allLabel?: string;
};

export type FilterBarProps = {
  filters?: FilterDef[];
  /** Show the text search (param `q`). Default true. */
  search?: boolean;
  searchLabel?: string;
  searchPlaceholder?: string;
  /** Extra controls on the right (e.g. a "New agent" button). */
  actions?: React.ReactNode;
  /** Page-specific filter controls, placed after the selects. */
  children?: React.ReactNode;
  /** Further URL parameters those controls own: they count as active filters and "Clear filters" removes them too. */
  alsoClears?: string[];
  className?: string;
};

/** Search + select filters; every value lives in the URL so a filtered view can be reloaded or shared. */
export function FilterBar({
  filters = [],
  search = true,
  searchLabel = "Search",
  searchPlaceholder = "Search…",
  actions,
  children,
  alsoClears = [],
  className,
}: FilterBarProps) {
  const { get, setParams, setParamsDebounced, isPending } = useUrlState();
  const id = React.useId();
  const inputRef = React.useRef<HTMLInputElement>(null);
  const urlQuery = get(SEARCH_PARAM) ?? "";
  const [text, setText] = React.useState(urlQuery);

  // Follow the URL when it changes from elsewhere (Clear filters, back/forward), but never while the
  // person is typing: a slow navigation would otherwise overwrite the characters typed since.
  React.useEffect(() => {
    if (document.activeElement !== inputRef.current) setText(urlQuery);
  }, [urlQuery]);

  const owned = [...filters.map((f) => f.param), ...alsoClears];
  const active = Boolean(urlQuery) || owned.some((p) => Boolean(get(p)));

  function clearAll() {
    setText("");
    setParams(Object.fromEntries([[SEARCH_PARAM, null], ...owned.map((p) => [p, null])]));
    // The button disappears once nothing is set; move focus somewhere useful instead of <body>.
    inputRef.current?.focus();
  }

  return (
    <div role="search" className={cn("flex flex-wrap items-end gap-2", className)}>
      {search && (
        <div className="relative w-full sm:w-64">
          <label htmlFor={`${id}-q`} className="sr-only">
            {searchLabel}
          </label>
          <Search
            aria-hidden="true"
            className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground"
          />
          <Input
            ref={inputRef}
            id={`${id}-q`}
            type="search"
            value={text}
            placeholder={searchPlaceholder}
            autoComplete="off"
            spellCheck={false}
            className="pl-8"
            onChange={(e) => {
              setText(e.target.value);
              setParamsDebounced({ [SEARCH_PARAM]: e.target.value.trim() || null });
            }}
            onKeyDown={(e) => {
              // Enter applies immediately instead of waiting for the debounce.
              if (e.key === "Enter") setParams({ [SEARCH_PARAM]: text.trim() || null });
            }}
          />
        </div>
      )}

      {filters.map((f) => (
        <div key={f.param} className="flex items-center gap-1.5">
          <label htmlFor={`${id}-${f.param}`} className="text-xs font-medium text-muted-foreground">
            {f.label}
          </label>
          <NativeSelect
            id={`${id}-${f.param}`}
            value={get(f.param) ?? ""}
            onChange={(e) => setParams({ [f.param]: e.target.value || null })}
            wrapperClassName="w-auto"
            className="min-w-28"
          >
            <option value="">{f.allLabel ?? "All"}</option>
            {f.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </NativeSelect>
        </div>
      ))}

      {children}

      {active && (
        <Button variant="ghost" size="sm" onClick={clearAll} className="h-8">
          <X aria-hidden="true" />
          Clear filters
        </Button>
      )}

      <span aria-live="polite" className="flex h-8 items-center text-muted-foreground">
        {isPending && (
          <>
            <LoaderCircle aria-hidden="true" className="size-4 animate-spin" />
            <span className="sr-only">Updating results…</span>
          </>
        )}
      </span>

      {actions && <div className="ml-auto flex items-center gap-2">{actions}</div>}
    </div>
  );
}
