import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/** Joins class names and lets later Tailwind utilities override earlier ones (`px-2` then `px-4` → `px-4`). */
export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}

/** "quarantined" → "Quarantined", for enum values shown as labels. */
export function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/**
 * A short form of an id for dense tables. Time-ordered UUIDs (v7: decisions, audit events) share
 * their first eight digits for a minute at a time, so those show their last eight, after "…";
 * other ids their first eight. Either form is a substring of the id, so it can be searched.
 */
export function shortId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-7/i.test(id) ? `…${id.slice(-8)}` : id.slice(0, 8);
}
