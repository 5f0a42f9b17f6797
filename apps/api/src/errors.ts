/**
 * Typed errors thrown by services; one error handler turns them into RFC 9457 problem details.
 * Routes never build error bodies by hand.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export class BadRequest extends AppError {
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(400, 'bad-request', 'Bad request', detail, extensions);
  }
}

export class Unauthorized extends AppError {
  constructor(detail = 'A valid access token is required.') {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}

export class Forbidden extends AppError {
  constructor(detail: string) {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

export class NotFound extends AppError {
  constructor(what: string) {
    super(404, 'not-found', 'Not found', `${what} was not found.`);
  }
}

export class Conflict extends AppError {
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', detail);
  }
}

export class Gone extends AppError {
  constructor(detail: string) {
    super(410, 'gone', 'Gone', detail);
  }
}

export class LimitReached extends AppError {
  constructor(limit: string, plan: string, max: number) {
    super(403, 'limit-reached', 'Plan limit reached', `The ${plan} plan allows ${describeLimit(limit, max)}.`, {
      limit,
      plan,
      max,
    });
  }
}

function describeLimit(limit: string, max: number): string {
  if (limit === 'min_interval_seconds') return `check intervals of at least ${max} seconds`;
  return `at most ${max} ${limit.replace(/_/g, ' ')}`;
}

export class UnsupportedMediaType extends AppError {
  constructor(detail: string) {
    super(415, 'unsupported-media-type', 'Unsupported media type', detail);
  }
}

export class ServiceUnavailable extends AppError {
  constructor(detail: string) {
    super(503, 'unavailable', 'Service unavailable', detail);
  }
}

/** mysql2 duplicate-key error, for turning unique-index races into 409s. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'ER_DUP_ENTRY';
}
