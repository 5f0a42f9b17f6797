import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const workerDir = fileURLToPath(new URL('..', import.meta.url));

/** `node --import tsx <script>` in apps/worker, stdout and stderr piped. */
export function spawnWorkerScript(script: string, env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script], { cwd: workerDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The environment the real worker (`src/main.ts`) runs with in a test: its own database and prefix. */
export function workerMainEnv(databaseUrl: string, prefix: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: databaseUrl, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: prefix, WORKER_PORT: '0', LOG_LEVEL: 'info', ...extra };
}

/**
 * Starts a testing worker script (e.g. `src/notify/testing-worker.ts`) as its own process, so a
 * crash test can SIGKILL it mid-job, and resolves once it prints "ready". The child is pushed to
 * `children` for the file's afterAll to kill.
 */
export async function startChildWorker(script: string, env: Record<string, string>, children: ChildProcess[]): Promise<ChildProcess> {
  const child = spawnWorkerScript(script, env);
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${err}`)));
  });
  return child;
}

/** SIGKILL (no graceful shutdown: the crash being tested), resolved once the process is gone. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
