// Reusable headless Chromium for browser tests: Debian's /usr/bin/chromium driven by
// playwright-core (never a browser downloaded by a test tool). Copy the flags, or import this.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * --no-sandbox: tests run as root in a container; the rest keep Chromium from calling home
 * (updates, sync, field trials, QUIC probes) so a test sees only the traffic it caused.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `extraArgs` e.g. `--host-resolver-rules=MAP shop.example.com 127.0.0.1` for real-looking hosts;
 * `options` e.g. `{ ignoreDefaultArgs: ['--disable-back-forward-cache'] }` (Playwright's default).
 */
export async function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ ...options, executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
