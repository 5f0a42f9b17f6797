import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The api's layering (docs/ENGINEERING.md, docs/adr/0101), checked on the source of every feature
 * folder: routes.ts → service.ts (verbs taking a ServiceContext) → queries.ts (the SQL).
 */

const SRC = join(import.meta.dirname, '../src');

/**
 * Folders still on their own service style. Empty: every folder is layered (docs/adr/0101). A
 * folder put here is exempt from every rule below, so keep it empty.
 */
const NOT_YET_LAYERED: string[] = [];

/** Not features: Fastify plugins every route shares. The SQL rule still applies to them. */
const INFRASTRUCTURE = ['plugins'];

/**
 * Not features either: entry points outside a request (the demo seed, the CLI scripts). They have
 * no routes; they call service verbs with a `serviceContext(...)` and keep their own SQL in
 * queries.ts like a feature (the SQL rule and the context rule apply to them).
 */
const ENTRY_POINTS = ['demo', 'cli'];

/** Test code and the clearly named modules that only tests and benchmarks import. */
const TESTING_MODULE = /(\.test|^testing|^fixtures|^test-support)\.ts$/;

const folders = readdirSync(SRC).filter((f) => statSync(join(SRC, f)).isDirectory());
const layered = folders.filter((f) => !NOT_YET_LAYERED.includes(f) && !INFRASTRUCTURE.includes(f) && !ENTRY_POINTS.includes(f));

function sourcesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !TESTING_MODULE.test(f))
    .map((f) => join(dir, f));
}

const read = (file: string) => readFileSync(file, 'utf8');
const rel = (file: string) => relative(SRC, file);

/** Where SQL is written: Kysely's builders, the `sql` tag, or kysely itself. */
const SQL = [
  /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(/,
  /\bsql(`|<|\.)/,
  /from 'kysely'/,
  /import\s*\{[^}]*\bsql\b[^}]*\}\s*from '@sentrypulse\/db'/,
];

/** A hand-made bag of dependencies instead of a ServiceContext: its interface or a value typed by it. */
const DEPS = /\binterface \w*Deps\b|:\s*\w*Deps\s*=|\w+Deps\s*=/;

/** The imported module names of a file, with whether the import is type-only. */
function importsOf(source: string): Array<{ names: string; from: string; typeOnly: boolean }> {
  return [...source.matchAll(/import\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'/g)].map((m) => ({
    typeOnly: m[1] !== undefined,
    names: m[2]!,
    from: m[3]!,
  }));
}

/** The given layer file of every layered feature that has one, with its source. */
function layerFiles(name: 'service.ts' | 'queries.ts'): Array<{ f: string; source: string }> {
  return [...layered, ...ENTRY_POINTS]
    .filter((f) => statSync(join(SRC, f, name), { throwIfNoEntry: false })?.isFile())
    .map((f) => ({ f, source: read(join(SRC, f, name)) }));
}

/** Value (not type-only) names an import brings in. */
function valueNames(names: string): string[] {
  const inner = /\{([^}]*)\}/.exec(names)?.[1] ?? names;
  return inner
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n && !n.startsWith('type '));
}

describe('the api layering', () => {
  it('knows every folder: a feature, infrastructure, or one still waiting to be layered', () => {
    for (const f of [...NOT_YET_LAYERED, ...INFRASTRUCTURE, ...ENTRY_POINTS]) expect(folders, `${f} is listed but does not exist`).toContain(f);
    expect(layered).toEqual(
      expect.arrayContaining(['auth', 'teams', 'invitations', 'sites', 'status-pages', 'public', 'alerts', 'health', 'analytics', 'monitors', 'heartbeat', 'channels', 'incidents', 'maintenance']),
    );
    expect(NOT_YET_LAYERED).toEqual([]);
  });

  it('writes SQL only in queries.ts (or packages/db), outside the folders not yet layered', () => {
    const offenders: string[] = [];
    const files = [...sourcesOf(SRC), ...[...layered, ...INFRASTRUCTURE, ...ENTRY_POINTS].flatMap((f) => sourcesOf(join(SRC, f)))];
    for (const file of files) {
      if (basename(file) === 'queries.ts') continue;
      const source = read(file);
      for (const pattern of SQL) if (pattern.test(source)) offenders.push(`${rel(file)} matches ${pattern}`);
    }
    expect(offenders).toEqual([]);
  });

  it('keeps routes.ts thin: every feature has one, and it reaches data only through its services', () => {
    const offenders: string[] = [];
    for (const f of layered) {
      const file = join(SRC, f, 'routes.ts');
      expect(statSync(file, { throwIfNoEntry: false })?.isFile(), `${f}/routes.ts`).toBe(true);
      const source = read(file);
      for (const imp of importsOf(source)) {
        if (/(^|\/)queries$/.test(imp.from)) offenders.push(`${f}/routes.ts imports ${imp.from}`);
        if (imp.from === '@sentrypulse/db' && !imp.typeOnly && valueNames(imp.names).length) {
          offenders.push(`${f}/routes.ts imports values from @sentrypulse/db: ${valueNames(imp.names).join(', ')}`);
        }
        if (imp.from.endsWith('/plugins/access') && /\b(teamOf|userOf)\b/.test(imp.names)) {
          offenders.push(`${f}/routes.ts uses teamOf/userOf instead of contextOf(req)`);
        }
      }
      if (/\.(db|readDb)\b/.test(source)) offenders.push(`${f}/routes.ts touches a database handle`);
    }
    expect(offenders).toEqual([]);
  });

  it('gives services one context shape and no Fastify', () => {
    const offenders: string[] = [];
    for (const { f, source } of layerFiles('service.ts')) {
      for (const imp of importsOf(source)) if (/^fastify/.test(imp.from)) offenders.push(`${f}/service.ts imports ${imp.from}`);
      if (/\bFastify(Request|Reply|Instance)\b/.test(source)) offenders.push(`${f}/service.ts mentions a Fastify type`);
      // The three older styles: (db, …), (deps, …) and a deps() factory.
      for (const m of source.matchAll(/export (?:async )?function (\w+)\(\s*(\w+)\s*:\s*([\w.]+)/g)) {
        const [, verb, param, type] = m;
        if (/^(db|trx|deps)$/.test(param!) || /^(Db|\w*Deps)$/.test(type!)) offenders.push(`${f}/service.ts: ${verb}(${param}: ${type}, …)`);
        if (param === 'ctx' && type !== 'ServiceContext') offenders.push(`${f}/service.ts: ${verb}(ctx: ${type}, …)`);
      }
      if (/export interface \w*Deps\b/.test(source)) offenders.push(`${f}/service.ts declares a Deps interface`);
    }
    expect(offenders).toEqual([]);
  });

  it('builds contexts one way: no Deps objects, no teamOf/userOf, anywhere in the api', () => {
    const offenders: string[] = [];
    const files = [...sourcesOf(SRC), ...folders.flatMap((f) => sourcesOf(join(SRC, f)))];
    for (const file of files) {
      const source = read(file);
      if (DEPS.test(source)) offenders.push(`${rel(file)} declares a Deps object`);
      if (/\b(teamOf|userOf)\b/.test(source)) offenders.push(`${rel(file)} mentions teamOf/userOf`);
    }
    expect(offenders).toEqual([]);
  });

  it('runs every transaction through transactionWithRetry (deadlocks and lock-wait timeouts re-run, ADR 0104)', () => {
    const offenders: string[] = [];
    const files = [...sourcesOf(SRC), ...folders.flatMap((f) => sourcesOf(join(SRC, f)))];
    for (const file of files) if (/\.transaction\(\)/.test(read(file))) offenders.push(`${rel(file)} opens a transaction without transactionWithRetry`);
    expect(offenders).toEqual([]);
  });

  it('keeps queries.ts to rows: no Fastify, no HTTP errors', () => {
    const offenders: string[] = [];
    for (const { f, source } of layerFiles('queries.ts')) {
      for (const imp of importsOf(source)) {
        if (/^fastify/.test(imp.from) || /(^|\/)errors$/.test(imp.from) || /(^|\/)context$/.test(imp.from)) {
          offenders.push(`${f}/queries.ts imports ${imp.from}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('catches each older style when it appears (the rules can fail)', () => {
    expect(SQL.some((p) => p.test("await app.db.selectFrom('sites')"))).toBe(true);
    expect(SQL.some((p) => p.test('await sql`SELECT 1`.execute(db)'))).toBe(true);
    expect(SQL.some((p) => p.test("import { sql, type Db } from '@sentrypulse/db';"))).toBe(true);
    expect(SQL.some((p) => p.test("import { findSite } from './queries';"))).toBe(false);
    expect(valueNames('{ findStatusPageBySlug, type StatusPageRow }')).toEqual(['findStatusPageBySlug']);
    expect(importsOf("import type { Db } from '@sentrypulse/db';")[0]).toMatchObject({ typeOnly: true, from: '@sentrypulse/db' });
    expect(DEPS.test('export interface MonitorDeps {')).toBe(true);
    expect(DEPS.test('  const deps: MonitorDeps = { db };')).toBe(true);
    expect(DEPS.test('const ctx = serviceContext({ db, redis, jobs, config });')).toBe(false);
  });
});
