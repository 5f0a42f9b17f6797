import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnProc, type Proc } from './processes';

// Private MariaDB and Redis servers for fault tests: started on free ports under a temp dir,
// stopped and restarted by the test. The shared instances on 3306/6379 are never touched.

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, proc: Proc, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) break;
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start:\n${proc.lines.slice(-20).join('\n')}`);
}

function pingRedis(port: number): boolean {
  try {
    return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { encoding: 'utf8', timeout: 2_000 }).trim() === 'PONG';
  } catch {
    return false;
  }
}

function pingMariadb(port: number): boolean {
  try {
    execFileSync('mysqladmin', ['--no-defaults', '--protocol=tcp', '-h127.0.0.1', `-P${port}`, '-uroot', 'ping'], { stdio: 'pipe', timeout: 2_000 });
    return true;
  } catch {
    return false;
  }
}

export interface PrivateServer {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A private redis-server. With `aof`, it keeps an append-only file (fsync on every write) in a
 * temp dir of its own, so a stop (SIGTERM) and start on the same port keep every written entry.
 */
export async function privateRedis(opts: { aof?: boolean } = {}): Promise<PrivateServer> {
  const port = await freePort();
  const dir = opts.aof ? mkdtempSync(join(tmpdir(), 'sp-redis-')) : tmpdir();
  const persistence = opts.aof ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : ['--appendonly', 'no'];
  let proc: Proc | undefined;
  const server: PrivateServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawnProc('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--daemonize', 'no'], {
        cwd: dir,
        env: {},
      });
      await waitUntil(() => pingRedis(port), `redis on ${port}`, proc);
    },
    async stop() {
      await proc?.stop(10_000);
      proc = undefined;
    },
    async destroy() {
      await server.stop();
      if (opts.aof) rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export async function privateMariadb(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sp-mariadb-'));
  const datadir = join(dir, 'data');
  mkdirSync(datadir);
  execFileSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${datadir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'],
    // TMPDIR: the bootstrap server also clears `#sql*` files from its tmpdir (see --tmpdir below).
    { stdio: 'pipe', timeout: 120_000, env: { ...process.env, TMPDIR: dir } },
  );
  let proc: Proc | undefined;
  const server: PrivateServer = {
    port,
    url: `mysql://root@127.0.0.1:${port}/sentrypulse`,
    async start() {
      proc = spawnProc(
        'mariadbd',
        'mariadbd',
        [
          '--no-defaults',
          '--user=root',
          `--datadir=${datadir}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--socket=${join(dir, 'mysqld.sock')}`,
          `--pid-file=${join(dir, 'mysqld.pid')}`,
          // Its own tmpdir: at start-up mariadbd deletes every `#sql*` file in its tmpdir, which in
          // /tmp would include the shared server's in-use temporary tables (a concurrent test's
          // mysqldump failed with "Error on delete of '/tmp/#sql-temptable-…'").
          `--tmpdir=${dir}`,
          '--skip-log-bin',
          '--innodb-buffer-pool-size=16M',
          '--character-set-server=utf8mb4',
          '--collation-server=utf8mb4_unicode_ci',
        ],
        { cwd: dir, env: {} },
      );
      await waitUntil(() => pingMariadb(port), `mariadb on ${port}`, proc, 60_000);
    },
    async stop() {
      await proc?.stop(30_000);
      proc = undefined;
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
