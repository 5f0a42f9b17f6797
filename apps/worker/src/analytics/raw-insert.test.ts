import { insertRawEvents, sql, type RawEventRow } from '@sentrypulse/db';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRawRows, literal } from './raw-insert';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('rawinsert');
});
afterAll(async () => {
  await database.drop();
});

const NASTY = ["it's", 'say "hi"', 'back\\slash', 'nul\0byte', 'ctrl-z\x1a', 'tab\tnew\nline\rret', 'bs\b', "\\'; DROP TABLE pageviews_raw; --", 'ü € 😀 中文', ''];

function rows(site: number, n: number): RawEventRow[] {
  const base = Date.parse('2026-11-29T23:59:58.000Z');
  return Array.from({ length: n }, (_, i) => {
    const s = NASTY[i % NASTY.length]!;
    return {
      site_id: site,
      // Across a minute and a day boundary, with 0, 1, 2 and 3-digit milliseconds.
      ts: new Date(base + i * 997 + [0, 5, 50, 999][i % 4]!),
      event_id: randomBytes(16),
      visitor_id: randomBytes(8),
      visit_id: randomBytes(6).readUIntBE(0, 6),
      name: i % 3 ? 'pageview' : `evt ${s}`.slice(0, 120),
      hostname: 'www.example.com',
      pathname: i === 7 ? `/${'p'.repeat(1_999)}` : `/path/${s}`,
      entry_page: `/entry${s}`,
      referrer_source: i % 2 ? 'Google' : s,
      utm_source: s,
      utm_medium: 'email',
      utm_campaign: i % 5 ? '' : 'nov',
      browser: 'Chrome',
      os: 'Windows',
      device: 'Desktop',
      country: i % 2 ? 'DE' : '',
      props: i % 4 ? null : JSON.stringify([['plan', s], ['q"uote', '\\']]),
    };
  });
}

async function stored(site: number) {
  const { rows: out } = await sql<Record<string, unknown>>`
    SELECT DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f') AS ts_text, HEX(event_id) AS e, HEX(visitor_id) AS v, visit_id, name, hostname,
      pathname, entry_page, referrer_source, utm_source, utm_medium, utm_campaign, browser, os, device, country,
      CAST(props AS CHAR) AS props
    FROM pageviews_raw WHERE site_id = ${site} ORDER BY ts, event_id`.execute(database.db);
  return out;
}

describe('raw insert built by hand', () => {
  it('stores exactly what insertRawEvents (Kysely + mysql2 placeholders) stores', async () => {
    const a = rows(1, 2_345);
    const b = a.map((r) => ({ ...r, site_id: 2 }));
    await insertRawEvents(database.db, a);
    expect(await insertRawRows(database.db, b)).toBe(2_345);
    const [x, y] = [await stored(1), await stored(2)];
    expect(x).toHaveLength(2_345);
    expect(y).toEqual(x);
    // And what went in is what was meant (spot checks).
    expect(x.map((r) => r.ts_text)).toContain('2026-11-29 23:59:58.000000');
    expect(new Set(x.map((r) => r.pathname))).toContain("/path/\\'; DROP TABLE pageviews_raw; --");
    expect(x.find((r) => r.props !== null)!.props).toContain('q\\"uote');
  });

  it('inserts a replayed batch once (INSERT IGNORE on the key)', async () => {
    const r = rows(3, 10);
    expect(await insertRawRows(database.db, r)).toBe(10);
    expect(await insertRawRows(database.db, r)).toBe(0);
    expect(await stored(3)).toHaveLength(10);
  });

  it('escapes string literals like mysql2', () => {
    expect(literal('plain')).toBe("'plain'");
    expect(literal("a'b\"c\\d\0e\nf\rg\th\bi\x1aj")).toBe("'a\\'b\\\"c\\\\d\\0e\\nf\\rg\\th\\bi\\Zj'");
  });
});
