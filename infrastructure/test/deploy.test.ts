import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from './support/compose';

// deploy.sh and build.sh drive `docker` and `docker compose`; there is no Docker engine here, so
// they run against support/fake-docker.sh, which keeps containers in files and records every
// call. What is tested is the orchestration: order of steps, health gating, what is left
// running when something fails. The compose file itself is checked in compose.test.ts.

let work: string;
let state: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: string[];
}

function containers(service: string): string[] {
  try {
    return readFileSync(join(state, service), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

function deploy(args: string[], env: Record<string, string> = {}): Run {
  const res = spawnSync('bash', [join(work, 'infrastructure/deploy.sh'), ...args], {
    cwd: work,
    env: {
      PATH: `${join(work, 'bin')}:${process.env.PATH}`,
      HOME: process.env.HOME ?? '/root',
      FAKE_DOCKER_STATE: state,
      HEALTH_TIMEOUT: '5',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  let calls: string[] = [];
  try {
    calls = readFileSync(join(state, 'calls'), 'utf8').split('\n').filter(Boolean);
  } catch {}
  return { code: res.status, stdout: res.stdout, stderr: res.stderr, calls };
}

const index = (calls: string[], pattern: RegExp) => calls.findIndex((c) => pattern.test(c));

beforeEach(() => {
  // A deployment checkout: the scripts, the compose file, a filled-in .env, a git history.
  work = mkdtempSync(join(tmpdir(), 'sp-deploy-'));
  state = join(work, 'state');
  for (const d of ['infrastructure', 'bin', 'state']) mkdirSync(join(work, d));
  for (const f of ['deploy.sh', 'build.sh', 'backup.sh', 'restore.sh', 'lib.sh']) copyFileSync(join(ROOT, 'infrastructure', f), join(work, 'infrastructure', f));
  copyFileSync(join(ROOT, 'docker-compose.yml'), join(work, 'docker-compose.yml'));
  copyFileSync(join(ROOT, 'infrastructure/test/support/fake-docker.sh'), join(work, 'bin/docker'));
  chmodSync(join(work, 'bin/docker'), 0o755);
  writeFileSync(join(work, '.env'), 'MYSQL_ROOT_PASSWORD=0123abcd\nMYSQL_DATABASE=sentrypulse\n');
  const git = (...a: string[]) => spawnSync('git', ['-C', work, ...a], { encoding: 'utf8' });
  git('init', '-q');
  git('-c', 'user.email=ops@example.test', '-c', 'user.name=ops', 'add', 'docker-compose.yml');
  git('-c', 'user.email=ops@example.test', '-c', 'user.name=ops', 'commit', '-q', '-m', 'release');
  // What is running before the deploy: two api, one web, three workers, nginx.
  writeFileSync(join(state, 'api'), 'old-api-1 sentrypulse-api:prev\nold-api-2 sentrypulse-api:prev\n');
  writeFileSync(join(state, 'web'), 'old-web-1 sentrypulse-web:prev\n');
  writeFileSync(join(state, 'worker'), 'old-worker-1 sentrypulse-worker:prev\nold-worker-2 sentrypulse-worker:prev\nold-worker-3 sentrypulse-worker:prev\n');
  writeFileSync(join(state, 'nginx'), 'nginx-1 nginx:1.28-alpine\n');
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('deploy.sh', () => {
  it('builds, backs up, migrates, then replaces every container with health-gated rolling restarts', () => {
    const res = deploy(['--no-pull']);
    expect(res.code, res.stderr).toBe(0);
    const tag = spawnSync('git', ['-C', work, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    const { calls } = res;

    // Every image built with the commit's tag, before anything else happens.
    const builds = calls.filter((c) => c.startsWith('build '));
    expect(builds.map((c) => /--target (\S+)/.exec(c)![1])).toEqual(['api', 'migrate', 'worker', 'web']);
    for (const b of builds) expect(b).toMatch(new RegExp(`--tag sentrypulse-(api|worker|web):${tag}`));

    // A backup exists before the migration runs, and the migration before any new container.
    const backups = readdirSync(join(work, 'backups'));
    expect(backups.some((f) => /^sentrypulse-sentrypulse-\d{8}T\d{6}Z\.sql\.gz$/.test(f))).toBe(true);
    const migrate = index(calls, /compose .*run --rm --no-deps migrate/);
    expect(migrate).toBeGreaterThan(index(calls, /exec -T -e MYSQL_PWD=\S+ mysql mysqldump/));
    expect(migrate).toBeGreaterThan(builds.length - 1);
    expect(index(calls, /--scale/)).toBeGreaterThan(migrate);

    // api: doubled, new ones healthy, nginx reloaded, old ones stopped, back to two.
    const up = index(calls, /--scale api=4 api/);
    const inspectApi = index(calls, /^inspect .* c\d+-api$/);
    const reload = calls.findIndex((c, i) => i > inspectApi && /exec -T nginx nginx -s reload/.test(c));
    const stopOld = index(calls, /^stop old-api-1$/);
    expect(up).toBeGreaterThan(migrate);
    expect(inspectApi).toBeGreaterThan(up);
    expect(reload).toBeGreaterThan(inspectApi);
    expect(stopOld).toBeGreaterThan(reload);
    expect(index(calls, /--scale api=2 api/)).toBeGreaterThan(stopOld);

    // Afterwards: the same number of containers, all on the new images.
    expect(containers('api')).toHaveLength(2);
    expect(containers('web')).toHaveLength(1);
    expect(containers('worker')).toHaveLength(3);
    for (const c of [...containers('api'), ...containers('web'), ...containers('worker')]) expect(c).toMatch(new RegExp(`^c\\d+-\\w+ sentrypulse-\\w+:${tag}$`));
    // Workers are not behind nginx: no reload between their steps.
    const workerUp = index(calls, /--scale worker=6 worker/);
    expect(calls.slice(workerUp).some((c) => /nginx -s reload/.test(c))).toBe(false);
    expect(res.stderr).toContain(`deployed ${tag}`);
  });

  it('stops before restarting anything when the migration fails', () => {
    const res = deploy(['--no-pull', '--no-backup'], { FAKE_MIGRATE_EXIT: '1' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('migration failed: nothing was restarted, the old version keeps running');
    expect(res.calls.some((c) => /--scale|^stop |^rm /.test(c))).toBe(false);
    expect(containers('api').map((c) => c.split(' ')[0])).toEqual(['old-api-1', 'old-api-2']);
    expect(containers('worker')).toHaveLength(3);
  });

  it('keeps the old containers serving when the new ones never become healthy', () => {
    const res = deploy(['--no-pull', '--no-backup'], { FAKE_UNHEALTHY: '^c[0-9]+-api$' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('api: new containers did not become healthy; removing them, the old ones keep serving');
    expect(res.stderr).toContain('deploy of api failed');
    expect(containers('api').map((c) => c.split(' ')[0])).toEqual(['old-api-1', 'old-api-2']);
    expect(res.calls.some((c) => /^stop old-/.test(c))).toBe(false);
    // It failed on the first service: web and worker were not touched.
    expect(containers('web').map((c) => c.split(' ')[0])).toEqual(['old-web-1']);
    expect(containers('worker')[0]).toMatch(/^old-worker-1 /);
  });

  it('rolls only the services asked for, and refuses unknown ones or a missing .env', () => {
    const only = deploy(['--no-pull', '--no-backup', '--services', 'worker']);
    expect(only.code, only.stderr).toBe(0);
    expect(containers('api').map((c) => c.split(' ')[0])).toEqual(['old-api-1', 'old-api-2']);
    expect(containers('worker').every((c) => c.startsWith('c'))).toBe(true);

    const bad = deploy(['--no-pull', '--services', 'mysql']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('cannot roll "mysql": only api, web and worker');

    rmSync(join(work, '.env'));
    const noEnv = deploy(['--no-pull']);
    expect(noEnv.code).toBe(1);
    expect(noEnv.stderr).toContain('no .env beside docker-compose.yml');
  });
});

describe('build.sh', () => {
  it('refuses an image tag docker would reject', () => {
    const res = spawnSync('bash', [join(work, 'infrastructure/build.sh')], {
      env: { PATH: `${join(work, 'bin')}:${process.env.PATH}`, FAKE_DOCKER_STATE: state, IMAGE_TAG: 'bad tag!' },
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('IMAGE_TAG "bad tag!" is not a valid image tag');
  });

  it('tags every image with the version and latest', () => {
    const res = spawnSync('bash', [join(work, 'infrastructure/build.sh')], {
      env: { PATH: `${join(work, 'bin')}:${process.env.PATH}`, FAKE_DOCKER_STATE: state, IMAGE_TAG: 'v1.2.3', IMAGE_PREFIX: 'registry.example/sp' },
      encoding: 'utf8',
    });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout.trim()).toBe('v1.2.3');
    const calls = readFileSync(join(state, 'calls'), 'utf8').split('\n').filter(Boolean);
    expect(calls.filter((c) => c.startsWith('tag ')).map((c) => c.split(' ').slice(1).join(' '))).toEqual([
      'registry.example/sp-api:v1.2.3 registry.example/sp-api:latest',
      'registry.example/sp-api:v1.2.3-migrate registry.example/sp-api:latest-migrate',
      'registry.example/sp-worker:v1.2.3 registry.example/sp-worker:latest',
      'registry.example/sp-web:v1.2.3 registry.example/sp-web:latest',
    ]);
  });
});
