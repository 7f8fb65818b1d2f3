"use client";

import * as React from "react";
import { ApiClientError } from "./api";

/** Messages keyed by field path, as `ApiClientError.fieldMap()` returns them. */
export type FieldErrors = Record<string, string>;

export type ApiFormOptions = {
  /** Shown when the request fails without an API error (network down, a bug): never raw exception text. */
  fallback: string;
  /**
   * When the API names fields, show only their messages (true), or the API's summary message
   * above the form as well (false, the default).
   */
  fieldsReplaceMessage?: boolean;
};

/**
 * The submit cycle of a form backed by our API: one request at a time, errors cleared on every
 * attempt, then the API's field errors next to their fields and a form-level message.
 */
export function useApiForm({ fallback, fieldsReplaceMessage = false }: ApiFormOptions) {
  const [pending, setPending] = React.useState(false);
  const [fields, setFields] = React.useState<FieldErrors>({});
  const [error, setError] = React.useState<string>();

  /** Forget both kinds of error, e.g. when a dialog opens again. */
  const reset = React.useCallback(() => {
    setFields({});
    setError(undefined);
  }, []);

  /** Problems found before sending (a mismatch, unparsable JSON): shown like the server's. */
  const showFieldErrors = React.useCallback((map: FieldErrors) => {
    setFields(map);
    setError(undefined);
  }, []);

  /**
   * Runs `send` (the api() call and what follows its success) and resolves whether it succeeded.
   * `keepPending`: the page navigates away on success, so the form stays disabled until it does.
   */
  async function submit(send: () => Promise<unknown>, { keepPending = false } = {}): Promise<boolean> {
    if (pending) return false;
    setPending(true);
    reset();
    try {
      await send();
      if (!keepPending) setPending(false);
      return true;
    } catch (err) {
      if (err instanceof ApiClientError) {
        const map = err.fieldMap();
        setFields(map);
        if (!fieldsReplaceMessage || Object.keys(map).length === 0) setError(err.message);
      } else setError(fallback);
      setPending(false);
      return false;
    }
  }

  return { pending, fields, error, submit, reset, showFieldErrors };
}
