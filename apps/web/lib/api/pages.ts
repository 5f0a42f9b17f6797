'use client';
import type { z } from 'zod';
import { qs, request } from './client';

type Page<T> = { items: T[]; next_cursor: string | null };

/**
 * Follows `next_cursor` until the list is complete (lists are keyset-paginated, 100 per page).
 * Used for lists a screen shows whole, such as every monitor of a team; capped for safety.
 */
export async function fetchAll<T>(schema: z.ZodType<Page<T>>, path: string, maxPages = 100): Promise<Page<T>> {
  const items: T[] = [];
  let cursor: string | null = null;
  const sep = path.includes('?') ? '&' : '?';
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await request(schema, `${path}${sep}${qs({ limit: 100, cursor }).slice(1)}`);
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return { items, next_cursor: cursor };
}
