import { Problem } from '@sentrypulse/shared';

/** An API answer that was not 2xx, carrying its RFC 9457 problem details. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title);
  }

  /** Validation failures keyed by field path, without the "body." prefix the API adds. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = e.path.replace(/^(body|query|params)\.?/, '');
      if (!(key in out)) out[key] = e.message;
    }
    return out;
  }
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {}
  const parsed = Problem.safeParse(body);
  return new ApiError(
    res.status,
    parsed.success ? parsed.data : { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status },
  );
}

/** A sentence to show a person, whatever was thrown. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return 'Cannot reach the server. Check your connection and try again.';
    return err.problem.detail ?? err.problem.title;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
