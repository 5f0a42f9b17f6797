// `pnpm start`: migrate, seed demo data, then run api + worker + web together until Ctrl-C.
// Each process logs to .logs/<name>.log; this prints where to go and how to log in.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';

const env = {
  NODE_ENV: 'development',
  // The demo monitors check local targets; a real deployment leaves this false.
  OUTBOUND_ALLOW_PRIVATE: 'true',
  ...process.env,
};
const webPort = env.WEB_PORT ?? '3000';
const apiPort = env.API_PORT ?? '4000';
const dashboard = env.PUBLIC_URL ?? `http://localhost:${webPort}`;

function run(cmd, args) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (res.status !== 0) {
    console.error(`✗ ${cmd} ${args.join(' ')} failed`);
    process.exit(res.status ?? 1);
  }
}

run('pnpm', ['db:migrate']);
run('pnpm', ['db:seed']);
if (!existsSync('apps/web/.next/BUILD_ID') || process.env.REBUILD === '1') {
  console.log('› building the dashboard (first start only; REBUILD=1 forces it)');
  run('pnpm', ['-r', '--if-present', 'build']);
}

mkdirSync('.logs', { recursive: true });
const children = ['api', 'worker', 'web'].map((name) => {
  const child = spawn('pnpm', [`start:${name}`], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const log = createWriteStream(`.logs/${name}.log`, { flags: 'a' });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`✗ ${name} exited (${signal ?? code}); see .logs/${name}.log`);
      stop(1);
    }
  });
  return child;
});

async function waitFor(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 2_000).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const [apiUp, webUp] = await Promise.all([
  waitFor(`http://127.0.0.1:${apiPort}/api/ready`),
  waitFor(`http://127.0.0.1:${webPort}/login`),
]);
if (!apiUp || !webUp) {
  console.error(`✗ ${apiUp ? 'web' : 'api'} did not become ready; see .logs/`);
  stop(1);
} else {
  console.log(`
  SentryPulse is running.

    Dashboard   ${dashboard}
    Log in as   demo@sentrypulse.dev / demo-password
    API docs    http://localhost:${apiPort}/api/docs
    Logs        .logs/api.log, .logs/worker.log, .logs/web.log

  Ctrl-C stops everything.
`);
}
