// `pnpm start`: migrate, build the dashboard when needed, seed demo data, then run api + worker +
// web together until Ctrl-C. Each process logs to .logs/<name>.log; this prints where to go and
// how to log in.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const webPort = process.env.WEB_PORT || '3000';
const apiPort = process.env.API_PORT || '4000';
const env = {
  NODE_ENV: 'development',
  // The demo monitors check local targets; a real deployment leaves this false.
  OUTBOUND_ALLOW_PRIVATE: 'true',
  // Other ports than 3000/4000 (WEB_PORT, API_PORT): links, heartbeat URLs, the tracker snippet
  // and the dashboard's calls to the API follow them.
  PUBLIC_URL: `http://localhost:${webPort}`,
  API_INTERNAL_URL: `http://127.0.0.1:${apiPort}`,
  ...process.env,
};
const dashboard = (env.PUBLIC_URL || `http://localhost:${webPort}`).replace(/\/$/, '');

// Next.js builds and serves in production mode only (a development NODE_ENV breaks prerendering).
const webEnv = { ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };

function run(cmd, args, runEnv = env) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: runEnv });
  if (res.status !== 0) {
    console.error(`✗ ${cmd} ${args.join(' ')} failed`);
    process.exit(res.status ?? 1);
  }
}

/** Newest modification time (ms) of the files under `paths`, skipping dependencies and build output. */
function newestSource(paths) {
  let newest = 0;
  const walk = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (!st.isDirectory()) {
      newest = Math.max(newest, st.mtimeMs);
      return;
    }
    for (const name of readdirSync(p)) {
      if (name === 'node_modules' || name.startsWith('.next') || name === 'dist' || name === 'test' || name.endsWith('.tsbuildinfo') || name === 'next-env.d.ts') continue;
      walk(join(p, name));
    }
  };
  paths.forEach(walk);
  return newest;
}

/** Why the dashboard needs building, or null when the last build is current. */
function buildReason() {
  if (process.env.REBUILD === '1') return 'REBUILD=1';
  const buildId = join('apps/web', env.NEXT_DIST_DIR || '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return 'first start';
  const built = statSync(buildId).mtimeMs;
  if (newestSource(['apps/web', 'packages/shared/src', 'packages/tracker/src']) > built) return 'sources changed since the last build';
  return null;
}

run('pnpm', ['db:migrate']);
const reason = buildReason();
if (reason) {
  console.log(`› building the dashboard (${reason === 'REBUILD=1' ? reason : `${reason}; REBUILD=1 forces a rebuild`})`);
  run('pnpm', ['-r', '--if-present', 'build'], webEnv);
}
// After the build, so the seeded history ends moments before the worker's first real checks.
run('pnpm', ['db:seed']);

mkdirSync('.logs', { recursive: true });
let stopping = false;
const children = [];
function start(name) {
  // Each in its own process group: stopping signals the whole group (pnpm → sh → node).
  const child = spawn('pnpm', [`start:${name}`], { env: name === 'web' ? webEnv : env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const log = createWriteStream(`.logs/${name}.log`, { flags: 'a' });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.exited = new Promise((resolve) => child.on('exit', resolve));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`✗ ${name} exited (${signal ?? code}); see .logs/${name}.log`);
      stop(1);
    }
  });
  children.push(child);
}

async function waitFor(url, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {}
}

/** SIGTERM to every process group (they shut down gracefully), SIGKILL what is left after 15 s. */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) signalGroup(c, 'SIGTERM');
  const killer = setTimeout(() => children.forEach((c) => signalGroup(c, 'SIGKILL')), 15_000);
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : c.exited)));
  // The pnpm wrapper may exit before the server it started: wait for the groups to be empty.
  for (let i = 0; i < 60 && children.some((c) => groupAlive(c)); i++) await new Promise((r) => setTimeout(r, 250));
  children.forEach((c) => groupAlive(c) && signalGroup(c, 'SIGKILL'));
  clearTimeout(killer);
  process.exit(code);
}

function groupAlive(child) {
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));

// The worker last: the checks due at start (the demo monitors check the API and the dashboard)
// would otherwise fail against servers that are still starting.
start('api');
start('web');
const [apiUp, webUp] = await Promise.all([waitFor(`http://127.0.0.1:${apiPort}/api/ready`), waitFor(`http://127.0.0.1:${webPort}/login`)]);
let workerUp = false;
if (apiUp && webUp && !stopping) {
  start('worker');
  workerUp = await waitFor(`http://127.0.0.1:${env.WORKER_PORT || '4001'}/ready`);
}
if (stopping) {
  // Already shutting down (a child exited or Ctrl-C).
} else if (!apiUp || !webUp || !workerUp) {
  console.error(`✗ ${!apiUp ? 'api' : !webUp ? 'web' : 'worker'} did not become ready; see .logs/`);
  stop(1);
} else {
  console.log(`
  SentryPulse is running.

    Dashboard     ${dashboard}
    Log in as     demo@sentrypulse.dev / demo-password
    Status page   ${dashboard}/status/demo
    API docs      http://localhost:${apiPort}/api/docs
    Logs          .logs/api.log, .logs/worker.log, .logs/web.log

  Ctrl-C stops everything.
`);
}
