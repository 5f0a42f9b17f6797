/**
 * End-to-end harness: the real API (buildApp on port 0 against a fresh MariaDB database), a
 * production build of the dashboard served by `next start`, and Debian's headless Chromium
 * driven by playwright-core. Nothing is mocked; the browser talks to Next, Next's proxy to the API.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '@sentrypulse/api/testing';
import { closeWorkerContext, createWorkerContext } from '@sentrypulse/worker/testing';
import type { RunningModule } from '@sentrypulse/worker/testing';
import { modules, startSmtp, type FakeSmtp } from '@sentrypulse/worker/testing';

export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SHOTS_DIR = process.env.SHOTS_DIR ?? '/tmp/shots';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** next.config.ts reads the same variable; CI builds and tests the default `.next`. */
const DIST_DIR = process.env.NEXT_DIST_DIR || '.next';

const SKIP_DIRS = new Set(['node_modules', '.next', 'dist', 'test']);
const SOURCE = /\.(tsx?|css|mjs|json)$/;

/** Newest source file (build output, generated next-env.d.ts and tsbuildinfo do not count). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() ? SKIP_DIRS.has(entry.name) || entry.name.startsWith('.') : !SOURCE.test(entry.name) || entry.name === 'next-env.d.ts') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * One production build per run: reuse .next when it is newer than every source file (CI builds
 * right before the tests), otherwise build now.
 */
export function ensureBuild() {
  const buildId = join(WEB_DIR, DIST_DIR, 'BUILD_ID');
  const sources = Math.max(newestMtime(WEB_DIR), newestMtime(join(WEB_DIR, '..', '..', 'packages', 'shared', 'src')));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  let res = buildOnce();
  // Another build of the same folder holds Next's lock: wait for it and try again (bounded).
  for (let i = 0; i < 20 && res.status !== 0 && /Another next build/.test(`${res.stdout}${res.stderr}`); i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
    res = buildOnce();
  }
  if (res.status !== 0) throw new Error(`next build failed:\n${(res.stdout ?? '').slice(-3000)}\n${(res.stderr ?? '').slice(-3000)}`);
}

function buildOnce() {
  return spawnSync(process.execPath, [join(WEB_DIR, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: WEB_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    timeout: 480_000,
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`);
}

export interface Stack {
  api: TestApp;
  apiUrl: string;
  webUrl: string;
  browser: Browser;
  /** The local SMTP server the API mails account links to (and the worker sends alert emails to). */
  smtp: FakeSmtp;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  ensureBuild();
  const smtp = await startSmtp();
  // Links the API builds (account mail, the SSO redirect URI) point at this stack's dashboard.
  const webPort = await freePort();
  const api = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: `http://127.0.0.1:${webPort}` });
  // The worker's modules in this process, on the API's database and Redis prefix: checks,
  // incidents, alerts and the analytics ingest flush run for real.
  const workerCtx = createWorkerContext(api.config);
  const running: RunningModule[] = [];
  for (const mod of modules) running.push(await mod.start(workerCtx));
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  const apiPort = (api.app.server.address() as { port: number }).port;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const web = spawn(process.execPath, [join(WEB_DIR, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(webPort), '-H', '127.0.0.1'], {
    cwd: WEB_DIR,
    env: { ...process.env, NODE_ENV: 'production', API_INTERNAL_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let webLog = '';
  web.stdout?.on('data', (d) => (webLog = (webLog + d).slice(-4000)));
  web.stderr?.on('data', (d) => (webLog = (webLog + d).slice(-4000)));
  const webUrl = `http://127.0.0.1:${webPort}`;
  try {
    await waitForHttp(`${webUrl}/login`, web);
  } catch (err) {
    web.kill('SIGTERM');
    await api.close();
    throw new Error(`${(err as Error).message}\n${webLog}`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SHOTS_DIR, { recursive: true });
  return {
    api,
    apiUrl,
    webUrl,
    browser,
    smtp,
    async close() {
      await browser.close().catch(() => undefined);
      const exited = new Promise((r) => web.once('exit', r));
      web.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (web.exitCode === null) web.kill('SIGKILL');
      await Promise.allSettled(running.reverse().map((m) => m.close()));
      await closeWorkerContext(workerCtx);
      await api.close();
      await smtp.close();
    },
  };
}

export async function newPage(stack: Stack, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ baseURL: stack.webUrl, viewport: { width, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** Full-page screenshots at desktop (1280) and mobile (375) width. */
export async function shoot(page: Page, name: string, fullPage = true) {
  const before = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS_DIR, `${name}-desktop.png`), fullPage });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS_DIR, `${name}-mobile.png`), fullPage });
  await page.setViewportSize(before);
}

export interface PageTiming {
  route: string;
  /** ms from navigation start until the page showed its data (the selector waited for). */
  ready_ms: number;
  dom_interactive_ms: number;
  /** JavaScript transferred on this first load (compressed bytes) and its decoded size. */
  js_transfer_kb: number;
  js_decoded_kb: number;
  /** API calls on the way: how many, when the first started, when the last ended (ms). */
  api_calls: number;
  api_first_start_ms: number;
  api_last_end_ms: number;
  /** When the last script finished loading (ms). */
  js_last_end_ms: number;
  /** The machine's 1-minute load average when measured (2 cores, shared): context for the figures. */
  load_1m: number;
}

/** Loads `path` in a fresh context (cold cache) and measures it with the browser's performance API. */
export async function measure(stack: Stack, context: BrowserContext, path: string, readySelector: string | string[], route = path): Promise<PageTiming> {
  const page = await context.newPage();
  await page.goto(path);
  for (const sel of Array.isArray(readySelector) ? readySelector : [readySelector]) await page.waitForSelector(sel, { timeout: 20_000 });
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const js = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.name.endsWith('.js') || r.initiatorType === 'script');
    const api = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.name.includes('/api/'));
    return {
      apiCalls: api.length,
      apiFirst: Math.min(...api.map((r) => r.startTime)),
      apiLast: Math.max(...api.map((r) => r.responseEnd)),
      jsLast: Math.max(...js.map((r) => r.responseEnd)),
      ready: performance.now(),
      domInteractive: nav?.domInteractive ?? 0,
      transfer: js.reduce((s, r) => s + (r.encodedBodySize || 0), 0),
      decoded: js.reduce((s, r) => s + (r.decodedBodySize || 0), 0),
    };
  });
  await page.close();
  return {
    route,
    ready_ms: Math.round(t.ready),
    dom_interactive_ms: Math.round(t.domInteractive),
    js_transfer_kb: Math.round(t.transfer / 102.4) / 10,
    js_decoded_kb: Math.round(t.decoded / 102.4) / 10,
    api_calls: t.apiCalls,
    api_first_start_ms: Math.round(t.apiFirst),
    api_last_end_ms: Math.round(t.apiLast),
    js_last_end_ms: Math.round(t.jsLast),
    load_1m: Math.round(loadavg()[0]! * 10) / 10,
  };
}

/** The text of the newest mail to `to` whose subject matches, waiting up to 10 s for it. */
export async function waitForMail(stack: Stack, to: string, subject: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const mail = [...stack.smtp.mails].reverse().find((m) => JSON.stringify(m.to).toLowerCase().includes(to.toLowerCase()) && subject.test(m.subject ?? ''));
    if (mail) return mail.text ?? '';
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${to} matching ${subject}`);
}

/** The path and fragment of the account link (`…/reset-password#token=…`) in a mail's text. */
export function linkIn(text: string): string {
  const m = /(https?:\/\/\S+#token=[\w-]+)/.exec(text);
  if (!m) throw new Error('no account link in the mail');
  const url = new URL(m[1]!);
  return `${url.pathname}${url.hash}`;
}
