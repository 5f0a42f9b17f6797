import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './compose';

export const TSX_LOADER = join(ROOT, 'node_modules/tsx/dist/loader.mjs');

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Every stdout/stderr line so far. */
  lines: string[];
  /** stdout lines that parsed as JSON (pino logs). */
  logs(): Array<Record<string, any>>;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
  kill(): Promise<number | null>;
}

export function spawnProc(name: string, command: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Proc {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
      if (lines.length > 50_000) lines.splice(0, lines.length - 50_000);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return {
    name,
    child,
    lines,
    logs: () =>
      lines.flatMap((l) => {
        if (!l.startsWith('{')) return [];
        try {
          return [JSON.parse(l) as Record<string, any>];
        } catch {
          return [];
        }
      }),
    exited,
    stop,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Polls until `url` answers with `status` (default any 2xx), or throws with the process output. */
export async function waitForHttp(url: string, proc?: Proc, opts: { timeoutMs?: number; status?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let last = '';
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) break;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (opts.status ? res.status === opts.status : res.ok) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} not ready (${last})${proc ? `; ${proc.name} output:\n${proc.lines.slice(-30).join('\n')}` : ''}`);
}

/** The api as production runs it: node with tsx's loader on src/server.ts. */
/**
 * The environment an api or worker process of a test stack starts with: production mode, the
 * test's own database and Redis prefix, fresh secrets. `extra` adds or overrides variables.
 */
export function stackEnv(opts: { databaseUrl: string; redisUrl: string; prefix: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    REDIS_PREFIX: opts.prefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export function startApi(env: Record<string, string>, name = 'api'): Proc {
  if (!existsSync(TSX_LOADER)) throw new Error(`tsx not installed at ${TSX_LOADER}`);
  return spawnProc(name, process.execPath, ['--import', TSX_LOADER, 'src/server.ts'], { cwd: join(ROOT, 'apps/api'), env });
}

export function startWorker(env: Record<string, string>, name = 'worker'): Proc {
  return spawnProc(name, process.execPath, ['--import', TSX_LOADER, 'src/main.ts'], { cwd: join(ROOT, 'apps/worker'), env });
}

export const WEB_BUILD_ID = join(ROOT, 'apps/web/.next/BUILD_ID');

/** `next start` on the production build (scripts/test.sh builds it before the tests run). */
export function startWeb(env: Record<string, string>, port: number): Proc {
  const next = join(ROOT, 'apps/web/node_modules/.bin/next');
  return spawnProc('web', next, ['start', '-H', '127.0.0.1', '-p', String(port)], { cwd: join(ROOT, 'apps/web'), env });
}
