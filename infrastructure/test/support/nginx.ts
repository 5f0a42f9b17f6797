import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './compose';
import { freePort, spawnProc, waitForHttp, type Proc } from './processes';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
export const BROTLI_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so';

export interface NginxOptions {
  /** host:port of each api instance (one `server` line each in the upstream). */
  api: string[];
  web: string[];
  collectRate?: string;
  collectBurst?: number;
  /** Listen here (a port reserved earlier, e.g. to put it in PUBLIC_URL); default: a free one. */
  port?: number;
}

/**
 * Renders nginx/templates/sentrypulse.conf.template the way the container's envsubst does, except
 * that a list value repeats its line (one `server` per instance). Anything left as ${...} that is
 * one of our variables is a template bug and throws.
 */
export function renderTemplate(vars: Record<string, string | string[]>): string {
  const template = readFileSync(join(ROOT, 'nginx/templates/sentrypulse.conf.template'), 'utf8');
  const out = template
    .split('\n')
    .flatMap((line) => {
      if (line.trimStart().startsWith('#')) return [line];
      const listVar = Object.entries(vars).find(([k, v]) => Array.isArray(v) && line.includes(`\${${k}}`));
      if (listVar) return (listVar[1] as string[]).map((v) => line.replace(`\${${listVar[0]}}`, v));
      return [line.replace(/\$\{([A-Z_]+)\}/g, (m, k: string) => (typeof vars[k] === 'string' ? (vars[k] as string) : m))];
    })
    .join('\n');
  const leftover = out
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .match(/\$\{[A-Z_]+\}/);
  if (leftover) throw new Error(`template variable not provided: ${leftover[0]}`);
  return out;
}

export interface RunningNginx {
  port: number;
  base: string;
  dir: string;
  proc: Proc;
  brotli: boolean;
  /** Access-log lines (JSON) written so far. */
  accessLog(): Array<Record<string, any>>;
  /**
   * nginx writes a request's log line after the response has gone out, so a test that just got
   * its response polls: resolves with the lines matching `match` once there are at least `count`.
   */
  logLines(match: (line: Record<string, any>) => boolean, count?: number): Promise<Array<Record<string, any>>>;
  stop(): Promise<void>;
}

/** Runs Debian's nginx as an ordinary process: own prefix, pid, temp paths and port under /tmp. */
export async function startNginx(opts: NginxOptions): Promise<RunningNginx> {
  if (!NGINX) throw new Error('nginx is not installed (scripts/bootstrap.sh installs Debian\'s nginx)');
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'sp-nginx-'));
  chmodSync(dir, 0o755);
  for (const sub of ['conf.d', 'cache', 'temp', 'logs']) {
    mkdirSync(join(dir, sub));
    chmodSync(join(dir, sub), 0o777); // workers run as nobody when the test runs as root
  }
  cpSync(join(ROOT, 'nginx/snippets'), join(dir, 'snippets'), { recursive: true });
  const brotli = existsSync(BROTLI_MODULE);
  writeFileSync(
    join(dir, 'conf.d/sentrypulse.conf'),
    renderTemplate({
      NGINX_PORT: `127.0.0.1:${port}`,
      API_UPSTREAM: opts.api,
      WEB_UPSTREAM: opts.web,
      NGINX_CACHE_DIR: join(dir, 'cache'),
      NGINX_COLLECT_RATE: opts.collectRate ?? '50r/s',
      NGINX_COLLECT_BURST: String(opts.collectBurst ?? 100),
    }).replace('access_log /dev/stdout', `access_log ${join(dir, 'logs/access.log')}`),
  );
  // The brotli snippet joins the server block only where the module exists (docs/operations.md).
  let conf = readFileSync(join(dir, 'conf.d/sentrypulse.conf'), 'utf8');
  if (brotli) conf = conf.replace('  include snippets/security-headers.conf;\n', '  include snippets/security-headers.conf;\n  include snippets/brotli.conf;\n');
  writeFileSync(join(dir, 'conf.d/sentrypulse.conf'), conf);
  // Mirrors nginx/nginx.conf with paths a test may write to.
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      brotli ? `load_module ${BROTLI_MODULE};` : '',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'logs/error.log')} warn;`,
      'events { worker_connections 512; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  default_type application/octet-stream;',
      `  client_body_temp_path ${join(dir, 'temp/body')};`,
      `  proxy_temp_path ${join(dir, 'temp/proxy')};`,
      `  fastcgi_temp_path ${join(dir, 'temp/fastcgi')};`,
      `  uwsgi_temp_path ${join(dir, 'temp/uwsgi')};`,
      `  scgi_temp_path ${join(dir, 'temp/scgi')};`,
      `  include ${join(dir, 'conf.d/sentrypulse.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf')];
  execFileSync(NGINX, [...args, '-t', '-q'], { stdio: 'pipe' });
  const proc = spawnProc('nginx', NGINX, [...args, '-g', 'daemon off;'], { cwd: dir, env: {} });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/nginx-health`, proc, { timeoutMs: 10_000 });
  const accessLog = (): Array<Record<string, any>> => {
    const file = join(dir, 'logs/access.log');
    if (!existsSync(file)) return [];
    // The last piece is '' or a line nginx is still writing: only whole lines count.
    return readFileSync(file, 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as Record<string, any>);
  };
  return {
    port,
    base,
    dir,
    proc,
    brotli,
    accessLog,
    async logLines(match, count = 1) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const lines = accessLog().filter(match);
        if (lines.length >= count) return lines;
        if (Date.now() > deadline) throw new Error(`expected ${count} matching access-log lines, found ${lines.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await proc.stop(5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
