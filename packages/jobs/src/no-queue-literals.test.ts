import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JOB_DEFINITIONS, QUEUE_NAMES } from './definitions';

/**
 * The rule (SPEC 9, ADR 0100): queue names, job names, job id rules and the BullMQ key prefix are
 * written in packages/jobs and nowhere else. Every tracked .ts/.tsx file outside packages/jobs is
 * scanned (comments skipped, so prose may name a queue):
 *
 * 1. No quoted queue or job name as the first argument of a queue call: `new Queue(`,
 *    `new Worker(`, `new QueueEvents(`, `new FlowProducer(`, `.add(`, `.getJob(`,
 *    `.getJobState(`, `.upsertJobScheduler(`, `.removeJobScheduler(`, `.getJobScheduler(`.
 * 2. A file that imports bullmq has no quoted queue or job name at all (`name: 'deliver'`, …).
 * 3. No `:bull` key prefix typed by hand (use `bullPrefix(redisPrefix)`).
 * 4. A file that imports bullmq or @sentrypulse/jobs types no job id rule (`alert-…`,
 *    `incident-event-…`, `now-…`, `monitor-…`, `reconcile-…`): use jobIdOf / monitorSchedulerId.
 *
 * Words like 'analytics' or 'notify' elsewhere (a worker module's name, an OpenAPI tag) are not
 * queue wiring and stay allowed.
 */
const NAMES = new Set<string>([...QUEUE_NAMES, ...JOB_DEFINITIONS.map((d) => d.name)]);
const ID_RULES = ['alert-', 'incident-event-', 'now-', 'monitor-', 'reconcile-', 'repeat:monitor-'];
const QUEUE_CALL = /(?:new\s+(?:Queue|Worker|QueueEvents|FlowProducer)|\.(?:add|getJob|getJobState|upsertJobScheduler|removeJobScheduler|getJobScheduler))\s*(?:<[^()]*>)?\(\s*$/;
const IMPORTS_BULLMQ = /from\s+['"]bullmq['"]/;
const IMPORTS_JOBS = /from\s+['"](?:@sentrypulse\/jobs|[./]+(?:packages\/)?jobs\/src(?:\/index)?)['"]/;

export interface Literal {
  /** The text up to the first `${` of a template, or the whole string. */
  text: string;
  /** The whole literal, each `${…}` replaced by `${}`. */
  raw: string;
  /** True when the literal is the whole value (no interpolation). */
  plain: boolean;
  index: number;
}

/** String and template literals of a TypeScript source, comments skipped. */
export function stringLiterals(src: string): Literal[] {
  const out: Literal[] = [];
  let i = 0;
  const readQuoted = (quote: string) => {
    const start = i;
    i += 1;
    let text = '';
    while (i < src.length && src[i] !== quote) {
      if (src[i] === '\\') {
        text += src[i + 1] ?? '';
        i += 2;
      } else if (src[i] === '\n') {
        break; // not a string after all (a regex literal with a quote, say)
      } else {
        text += src[i++];
      }
    }
    i += 1;
    out.push({ text, raw: text, plain: true, index: start });
  };
  const readTemplate = () => {
    const start = i;
    i += 1;
    let text = '';
    let raw = '';
    let plain = true;
    while (i < src.length && src[i] !== '`') {
      if (src[i] === '\\') {
        if (plain) text += src[i + 1] ?? '';
        raw += src[i + 1] ?? '';
        i += 2;
      } else if (src[i] === '$' && src[i + 1] === '{') {
        plain = false;
        raw += '${}';
        i += 2;
        skipCode('}');
        i += 1;
      } else {
        if (plain) text += src[i];
        raw += src[i];
        i += 1;
      }
    }
    i += 1;
    out.push({ text, raw, plain, index: start });
  };
  const skipCode = (until: string | null) => {
    let depth = 0;
    while (i < src.length) {
      const c = src[i]!;
      if (c === '/' && src[i + 1] === '/') {
        while (i < src.length && src[i] !== '\n') i += 1;
      } else if (c === '/' && src[i + 1] === '*') {
        const end = src.indexOf('*/', i + 2);
        i = end === -1 ? src.length : end + 2;
      } else if (c === "'" || c === '"') {
        readQuoted(c);
      } else if (c === '`') {
        readTemplate();
      } else if (c === '{') {
        depth += 1;
        i += 1;
      } else if (c === '}') {
        if (until === '}' && depth === 0) return;
        depth -= 1;
        i += 1;
      } else {
        i += 1;
      }
    }
  };
  skipCode(null);
  return out;
}

export function violations(path: string, src: string): string[] {
  const found: string[] = [];
  const bullmq = IMPORTS_BULLMQ.test(src);
  const jobs = bullmq || IMPORTS_JOBS.test(src);
  const line = (index: number) => src.slice(0, index).split('\n').length;
  for (const lit of stringLiterals(src)) {
    const where = `${path}:${line(lit.index)}`;
    if (lit.plain && NAMES.has(lit.text)) {
      if (bullmq) found.push(`${where}: '${lit.text}' in a file that imports bullmq`);
      else if (QUEUE_CALL.test(src.slice(Math.max(0, lit.index - 80), lit.index))) found.push(`${where}: '${lit.text}' passed to a queue call`);
    }
    if (/:bull(?::|\$\{\}|$)/.test(lit.raw)) found.push(`${where}: a hand-typed ':bull' prefix (use bullPrefix)`);
    if (jobs && ID_RULES.some((rule) => lit.text.startsWith(rule) && lit.text.length >= rule.length && (!lit.plain || /\d/.test(lit.text.slice(rule.length))))) {
      found.push(`${where}: job id rule '${lit.text}…' typed outside packages/jobs`);
    }
  }
  return found;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('no queue or job name outside packages/jobs', () => {
  it('finds the literals the rule is about (and not those in comments)', () => {
    const src = [
      "import { Queue } from 'bullmq';",
      "// the 'alerts' queue is described here",
      "const q = new Queue('alerts', { prefix: `${p}:bull` });",
      "await q.add('deliver', {}, { jobId: `alert-${id}` });",
    ].join('\n');
    expect(violations('x.ts', src)).toEqual([
      "x.ts:3: 'alerts' in a file that imports bullmq",
      'x.ts:3: a hand-typed \':bull\' prefix (use bullPrefix)',
      "x.ts:4: 'deliver' in a file that imports bullmq",
      "x.ts:4: job id rule 'alert-…' typed outside packages/jobs",
    ]);
    expect(violations('y.ts', "someQueue.add('check', { monitor_id: 1 });")).toEqual(["y.ts:1: 'check' passed to a queue call"]);
    expect(violations('z.ts', "export const analyticsModule = { name: 'analytics' }; tags: ['checks'];")).toEqual([]);
  });

  it('holds for every tracked .ts/.tsx file of the repository', () => {
    const files = execFileSync('git', ['ls-files', '*.ts', '*.tsx'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.startsWith('packages/jobs/'));
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => violations(f, readFileSync(`${root}${f}`, 'utf8')));
    expect(found).toEqual([]);
  });
});
