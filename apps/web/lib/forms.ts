'use client';
import { useCallback, useState } from 'react';
import type { z } from 'zod';
import { ApiError, messageOf } from './api/errors';

/** Zod issues as `{ "field.path": "message" }`, first message per field. */
export function zodFieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_form';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

export type FormState = { errors: Record<string, string>; formError: string | null; submitting: boolean };

/**
 * Validates with the shared zod schema before sending (inline errors, no round trip), and maps
 * the API's problem `errors[]` onto the same fields when the server disagrees.
 */
export function useZodForm<S extends z.ZodType>(schema: S, onValid: (data: z.output<S>) => Promise<void> | void) {
  const [state, setState] = useState<FormState>({ errors: {}, formError: null, submitting: false });

  const submit = useCallback(
    async (values: unknown) => {
      const parsed = schema.safeParse(values);
      if (!parsed.success) {
        setState({ errors: zodFieldErrors(parsed.error), formError: null, submitting: false });
        return false;
      }
      setState({ errors: {}, formError: null, submitting: true });
      try {
        await onValid(parsed.data);
        setState({ errors: {}, formError: null, submitting: false });
        return true;
      } catch (err) {
        const fields = err instanceof ApiError ? err.fieldErrors() : {};
        setState({
          errors: fields,
          formError: Object.keys(fields).length ? null : messageOf(err),
          submitting: false,
        });
        return false;
      }
    },
    [schema, onValid],
  );

  const clearError = useCallback((field: string) => {
    setState((s) => (s.errors[field] ? { ...s, errors: Object.fromEntries(Object.entries(s.errors).filter(([k]) => k !== field)) } : s));
  }, []);

  return { ...state, submit, clearError };
}
