import { IdParam } from '@sentrypulse/shared';
import { BadRequest } from './errors';

/** Cursors of id-keyed lists are numeric ids; anything else is a 400, not a 500. */
export function numericCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const parsed = IdParam.safeParse(cursor);
  if (!parsed.success) throw new BadRequest('cursor is not a valid cursor for this list.');
  return parsed.data;
}

/**
 * One page of a keyset list from `limit + 1` rows: the extra row only says that another page
 * follows, whose cursor is the key of this page's last row.
 */
export function keysetPage<R, T>(rows: R[], limit: number, key: (row: R) => number | string, map: (row: R) => T) {
  const page = rows.slice(0, limit);
  return { items: page.map(map), next_cursor: rows.length > limit ? String(key(page[page.length - 1]!)) : null };
}
