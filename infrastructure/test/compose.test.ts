import { loadConfig } from '@sentrypulse/shared/config';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  configVariables,
  envExample,
  InterpolationError,
  interpolate,
  loadCompose,
  readRepoFile,
  referencedVariables,
  resolvedEnvironment,
  ROOT,
} from './support/compose';
import { NGINX, renderTemplate } from './support/nginx';

// docker-compose.yml cannot be started here (no Docker engine), so it is checked statically:
// its structure, its dependency graph, and that its environment resolves into a configuration
// the real loadConfig() accepts. The same processes are started for real in nginx.e2e.test.ts.

const compose = loadCompose();
const services = compose.services;
const APP_SERVICES = ['migrate', 'api', 'worker'] as const;
const SECRET_NAME = /PASSWORD|SECRET|_KEY$|TOKEN|REDISCLI_AUTH/;

/** What an operator's .env looks like after following .env.example: secrets filled in. */
function sampleDotenv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [name, { value, optional }] of envExample()) if (!optional) env[name] = value;
  Object.assign(env, {
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    MYSQL_PASSWORD: randomBytes(16).toString('hex'),
    MYSQL_ROOT_PASSWORD: randomBytes(16).toString('hex'),
    REDIS_PASSWORD: randomBytes(16).toString('hex'),
  });
  return { ...env, ...overrides };
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

function webSourceEnvVariables(): string[] {
  const dir = join(ROOT, 'apps/web');
  if (!existsSync(dir)) return [];
  const names = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    // Sources that run in production only: no dependencies, build output or tests.
    if (!entry.isFile() || /node_modules|[\\/](\.next|dist|test|e2e)[\\/]/.test(full) || !/\.(ts|tsx|js|mjs)$/.test(entry.name)) continue;
    if (/\.(test|spec)\.[tj]sx?$/.test(entry.name)) continue;
    for (const m of readFileSync(full, 'utf8').matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) {
      names.add((m[1] ?? m[2])!);
    }
  }
  // Set by Next.js itself or the image, not by operators.
  for (const builtin of ['NODE_ENV', 'NEXT_RUNTIME', 'NEXT_PHASE', 'HOSTNAME', 'PORT']) names.delete(builtin);
  // Build-time only: the web e2e harness builds into another folder; production uses the default.
  names.delete('NEXT_DIST_DIR');
  return [...names];
}

describe('docker-compose.yml: services', () => {
  it('has the whole stack: mysql 8, redis 7, migrate, api, worker, web and nginx', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'mysql', 'nginx', 'prometheus', 'redis', 'web', 'worker']);
    // Prometheus is opt-in; the stack itself starts without it.
    expect(services.prometheus!.profiles).toEqual(['monitoring']);
    expect(services.mysql!.image).toMatch(/^mysql:8(\.\d+)?$/);
    expect(services.redis!.image).toMatch(/^redis:7(\.\d+)*(-alpine)?$/);
    expect(services.nginx!.image).toMatch(/^nginx:1\.\d+(-alpine)?$/);
  });

  it('keeps MySQL and Redis data in named volumes', () => {
    expect(services.mysql!.volumes).toContain('mysql-data:/var/lib/mysql');
    expect(services.redis!.volumes).toContain('redis-data:/data');
    expect(Object.keys(compose.volumes ?? {})).toEqual(expect.arrayContaining(['mysql-data', 'redis-data']));
  });

  it('runs Redis with AOF fsynced every second and never evicting queue keys', () => {
    const command = allStrings(services.redis!.command).join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--appendfsync everysec/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toMatch(/--requirepass/);
  });

  it('builds the api, worker, web and migrate images from stages that exist in the Dockerfile', () => {
    const dockerfile = readRepoFile('infrastructure/Dockerfile');
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    for (const name of ['migrate', 'api', 'worker', 'web']) {
      const build = services[name]!.build!;
      expect(build.dockerfile).toBe('infrastructure/Dockerfile');
      expect(build.context).toBe('.');
      expect(stages).toContain(build.target);
    }
  });

  it('gives every long-running service a healthcheck', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (name === 'migrate') continue;
      expect(svc.healthcheck, name).toBeDefined();
      expect(allStrings(svc.healthcheck!.test).join(' '), name).not.toBe('');
      expect(svc.healthcheck!.interval, name).toMatch(/^\d+s$/);
      expect(svc.healthcheck!.timeout, name).toMatch(/^\d+s$/);
      expect(svc.healthcheck!.retries, name).toBeGreaterThan(0);
      expect(svc.restart, name).toBe('unless-stopped');
    }
    // The api's probe is readiness (MySQL and Redis reachable), so nginx starts only in front of
    // an api that can answer; the worker's likewise.
    expect(allStrings(services.api!.healthcheck!.test).join(' ')).toContain('/api/ready');
    expect(allStrings(services.worker!.healthcheck!.test).join(' ')).toContain('/ready');
  });

  it('runs migrations once, to completion, before the api and worker start', () => {
    expect(services.migrate!.restart).toBe('no');
    expect(services.migrate!.depends_on).toEqual({ mysql: { condition: 'service_healthy' } });
    for (const name of ['api', 'worker']) {
      expect(services[name]!.depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        mysql: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(services.web!.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    expect(services.nginx!.depends_on).toEqual({ api: { condition: 'service_healthy' }, web: { condition: 'service_healthy' } });
  });

  it('has a dependency graph without unknown services or cycles', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]) => {
      expect(services[name], `unknown service ${name} (from ${path.join(' -> ')})`).toBeDefined();
      if (done.has(name)) return;
      expect(visiting.has(name), `cycle: ${[...path, name].join(' -> ')}`).toBe(false);
      visiting.add(name);
      for (const dep of Object.keys(services[name]!.depends_on ?? {})) visit(dep, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name, []);
    expect(done.size).toBe(Object.keys(services).length);
  });

  it('lets the worker and api scale: no fixed names, only nginx publishes a port to the network', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.container_name, name).toBeUndefined();
      if (name !== 'nginx' && name !== 'prometheus') expect(svc.ports, name).toBeUndefined();
    }
    expect(services.nginx!.ports).toEqual(['${HTTP_PORT:-80}:80']);
    // Prometheus has no authentication: loopback only.
    expect(services.prometheus!.ports).toEqual(['127.0.0.1:${PROMETHEUS_PORT:-9090}:9090']);
  });

  it('has Prometheus scrape every api and worker replica and load the alert rules', () => {
    const prom = parse(readRepoFile('infrastructure/prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; metrics_path: string; dns_sd_configs: Array<{ names: string[]; type: string; port: number }> }>;
    };
    const targets = prom.scrape_configs.map((c) => ({ job: c.job_name, path: c.metrics_path, sd: c.dns_sd_configs[0] }));
    expect(targets).toEqual([
      { job: 'sentrypulse-api', path: '/metrics', sd: expect.objectContaining({ names: ['api'], type: 'A', port: 4000 }) },
      { job: 'sentrypulse-worker', path: '/metrics', sd: expect.objectContaining({ names: ['worker'], type: 'A', port: 4001 }) },
    ]);
    const mounted = (services.prometheus!.volumes ?? []).map((v) => v.split(':')[1]);
    for (const file of prom.rule_files) expect(mounted).toContain(file);
    const rules = parse(readRepoFile('infrastructure/prometheus/alerts.yml')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const r of all) expect(r.expr, r.alert).toMatch(/sentrypulse_|up\{/);
  });

  it('mounts nginx files that exist and feeds every template variable', () => {
    for (const volume of services.nginx!.volumes ?? []) {
      const source = volume.split(':')[0]!;
      expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
    const template = readRepoFile('nginx/templates/sentrypulse.conf.template');
    const used = new Set([...template.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]!));
    expect([...used].sort()).toEqual(Object.keys(services.nginx!.environment ?? {}).sort());
  });
});

describe('docker-compose.yml and .env.example: configuration', () => {
  const variables = configVariables();

  it('reads the variable list from config.ts', () => {
    // Guards the parser: if config.ts changes shape, this fails rather than checking nothing.
    expect(variables.length).toBeGreaterThanOrEqual(20);
    expect(variables).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'TRUST_PROXY', 'WORKER_PORT']));
  });

  it('documents every configuration variable in .env.example', () => {
    const documented = envExample();
    const missing = variables.filter((v) => !documented.has(v));
    expect(missing, `add these to .env.example: ${missing.join(', ')}`).toEqual([]);
  });

  it('passes every configuration variable to the api, the worker and migrate', () => {
    for (const name of APP_SERVICES) {
      const env = Object.keys(services[name]!.environment ?? {});
      const missing = variables.filter((v) => !env.includes(v));
      expect(missing, `${name} lacks ${missing.join(', ')}`).toEqual([]);
    }
  });

  it('passes every variable the web app reads', () => {
    const web = Object.keys(services.web!.environment ?? {});
    const missing = webSourceEnvVariables().filter((v) => !web.includes(v));
    expect(missing, `web lacks ${missing.join(', ')}`).toEqual([]);
  });

  it('refers only to variables that .env.example documents', () => {
    const documented = envExample();
    const referenced = new Set(allStrings(compose).flatMap(referencedVariables));
    // Read by the container's own shell ($$VAR in a command), set in the service's environment.
    const containerShell = new Set(['REDIS_PASSWORD', 'REDIS_MAXMEMORY', 'MYSQL_ROOT_PASSWORD']);
    const undocumented = [...referenced].filter((v) => !documented.has(v) && !containerShell.has(v));
    expect(undocumented, `document in .env.example: ${undocumented.join(', ')}`).toEqual([]);
  });

  it('hard-codes no secret: secrets are required substitutions without defaults', () => {
    for (const [service, svc] of Object.entries(services)) {
      for (const [key, raw] of Object.entries(svc.environment ?? {})) {
        const value = String(raw ?? '');
        if (SECRET_NAME.test(key)) {
          expect(value, `${service}.${key}`).toMatch(/^\$\{[A-Z_]+(:\?[^}]*)?\}$/);
        }
        // Credentials inside URLs come from substitutions too.
        const cred = /:\/\/[^/@\s]*:([^@\s]+)@/.exec(value.replace(/\$\{[^}]*\}/g, (m) => m.replace(/[@/:]/g, '_')));
        if (cred) expect(cred[1], `${service}.${key}`).toMatch(/^\$\{/);
      }
    }
    // .env.example carries no sample secret anyone could deploy by accident.
    for (const [name, { value, optional }] of envExample()) {
      if (SECRET_NAME.test(name) && !optional) expect(value, name).toBe('');
    }
  });

  it('resolves, with a filled-in .env, to a configuration the api and worker accept', () => {
    const dotenv = sampleDotenv();
    for (const name of APP_SERVICES) {
      const env = resolvedEnvironment(services[name]!, dotenv);
      const config = loadConfig(env);
      expect(config.env).toBe('production');
      expect(config.databaseUrl).toBe(`mysql://sentrypulse:${dotenv.MYSQL_PASSWORD}@mysql:3306/sentrypulse`);
      expect(config.redisUrl).toBe(`redis://:${dotenv.REDIS_PASSWORD}@redis:6379`);
      expect(config.jwtSecret).toBe(dotenv.JWT_SECRET);
      expect(config.trustProxy).toBe('loopback,uniquelocal');
      expect(config.databaseReadUrl).toBeUndefined();
      expect(config.publicUrl).toBe('https://status.example.com');
    }
    // The MySQL container gets the same credentials the api connects with.
    const mysql = resolvedEnvironment(services.mysql!, dotenv);
    expect(mysql.MYSQL_PASSWORD).toBe(dotenv.MYSQL_PASSWORD);
    expect(mysql.MYSQL_USER).toBe('sentrypulse');
  });

  it('refuses to start when a required secret is missing from .env', () => {
    for (const missing of ['JWT_SECRET', 'ENCRYPTION_KEY', 'MYSQL_PASSWORD', 'REDIS_PASSWORD']) {
      expect(() => resolvedEnvironment(services.api!, sampleDotenv({ [missing]: '' })), missing).toThrow(InterpolationError);
    }
    expect(() => resolvedEnvironment(services.mysql!, sampleDotenv({ MYSQL_ROOT_PASSWORD: undefined }))).toThrow(/MYSQL_ROOT_PASSWORD/);
  });

  it('lets an external database and a read replica override the built-in ones', () => {
    const env = resolvedEnvironment(
      services.worker!,
      sampleDotenv({ DATABASE_URL: 'mysql://app:x@db.internal:3306/sp', DATABASE_READ_URL: 'mysql://ro:y@replica.internal:3306/sp' }),
    );
    const config = loadConfig(env);
    expect(config.databaseUrl).toBe('mysql://app:x@db.internal:3306/sp');
    expect(config.databaseReadUrl).toBe('mysql://ro:y@replica.internal:3306/sp');
  });

  it('substitutes like compose does', () => {
    expect(interpolate('${A:-x}/${B-y}/${C}', { A: '', B: '' })).toBe('x//');
    expect(interpolate('${A:-${B:-deep}}', {})).toBe('deep');
    expect(interpolate('$$HOME and $${X}', {})).toBe('$HOME and ${X}');
    expect(() => interpolate('${A:?needed}', { A: '' })).toThrow('A: needed');
    expect(interpolate('${A?needed}', { A: '' })).toBe('');
  });
});

describe('infrastructure/Dockerfile', () => {
  const dockerfile = readRepoFile('infrastructure/Dockerfile');
  const stage = (name: string) => {
    const start = dockerfile.indexOf(`AS ${name}\n`);
    expect(start, name).toBeGreaterThan(0);
    const next = dockerfile.indexOf('\nFROM ', start);
    return dockerfile.slice(start, next < 0 ? undefined : next);
  };

  it('builds on Node 22 LTS with pnpm pinned to the repository version', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-[a-z]+-slim$/m);
    const pkg = JSON.parse(readRepoFile('package.json')) as { packageManager: string };
    expect(pkg.packageManager).toBe(`pnpm@${/^ARG PNPM_VERSION=(\S+)$/m.exec(dockerfile)![1]}`);
    expect(dockerfile).toContain('pnpm install --offline --frozen-lockfile');
  });

  it('ships production dependencies only, run by a non-root user with a healthcheck', () => {
    expect(dockerfile).toMatch(/deploy --prod \/out\/api/);
    for (const name of ['api', 'worker', 'web']) {
      const s = stage(name);
      expect(s, name).toMatch(/^USER node$/m);
      expect(s, name).toMatch(/^HEALTHCHECK /m);
      expect(s, name).toMatch(/^CMD /m);
      expect(s, name).not.toMatch(/pnpm install/);
    }
    expect(stage('migrate')).toContain('@sentrypulse/db/src/cli/migrate.ts');
  });

  it('pins the tsx used at run time to the version in the lockfile', () => {
    const lock = readRepoFile('pnpm-lock.yaml');
    const version = /^ARG TSX_VERSION=(\S+)$/m.exec(dockerfile)![1]!;
    expect(lock).toContain(`tsx@${version}`);
  });

  it('keeps secrets and build output out of the build context', () => {
    const ignore = readRepoFile('.dockerignore').split('\n');
    for (const entry of ['.env', '**/node_modules', '.git', '**/.next']) expect(ignore).toContain(entry);
    expect(ignore).toContain('!.env.example');
  });
});

describe('nginx/nginx.conf as the container runs it', () => {
  it('passes nginx -t with the template rendered from the compose environment', () => {
    const env = resolvedEnvironment(services.nginx!, {});
    const dir = mkdtempSync(join(tmpdir(), 'sp-nginx-conf-'));
    try {
      mkdirSync(join(dir, 'conf.d'));
      // Debian's modules-enabled/*.conf load "modules/<name>.so" relative to the prefix.
      if (existsSync('/usr/lib/nginx/modules')) symlinkSync('/usr/lib/nginx/modules', join(dir, 'modules'));
      cpSync(join(ROOT, 'nginx/snippets'), join(dir, 'snippets'), { recursive: true });
      // Compose's service names do not resolve outside Docker; everything else is as deployed.
      const vars = { ...env, API_UPSTREAM: env.API_UPSTREAM!.replace(/^api:/, '127.0.0.1:'), WEB_UPSTREAM: env.WEB_UPSTREAM!.replace(/^web:/, '127.0.0.1:'), NGINX_CACHE_DIR: join(dir, 'cache') };
      expect(env.API_UPSTREAM).toBe('api:4000');
      writeFileSync(join(dir, 'conf.d/sentrypulse.conf'), renderTemplate(vars));
      const main = readRepoFile('nginx/nginx.conf')
        .replace('user nginx;', 'user nobody nogroup;')
        .replace('/var/run/nginx.pid', join(dir, 'nginx.pid'))
        .replace('/etc/nginx/conf.d/sentrypulse.conf', join(dir, 'conf.d/sentrypulse.conf'));
      writeFileSync(join(dir, 'nginx.conf'), main);
      // error_log /dev/stderr must be openable: give nginx a file as its stderr.
      const errFile = join(dir, 'stderr.log');
      const fd = openSync(errFile, 'w');
      try {
        execFileSync(NGINX!, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', fd] });
      } catch (err) {
        throw new Error(`nginx -t failed:\n${readFileSync(errFile, 'utf8')}`, { cause: err });
      } finally {
        closeSync(fd);
      }
      expect(readFileSync(errFile, 'utf8')).toContain('test is successful');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
