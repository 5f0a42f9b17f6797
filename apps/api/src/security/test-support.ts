import { startSmtp, type FakeSmtp } from '@sentrypulse/worker/testing';
import { Writable } from 'node:stream';
import { createTestApp, type TestApp } from '../../test/helpers';
import { settleAccountWork } from './mail';

export interface SecurityTestApp extends TestApp {
  smtp: FakeSmtp;
  /** Every log line the app wrote (level trace), to prove no token or secret is ever logged. */
  logs: string[];
}

/** The real API with its own database, a real local SMTP server and a captured trace log. */
export async function createSecurityTestApp(overrides: Record<string, string> = {}): Promise<SecurityTestApp> {
  const smtp = await startSmtp();
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const t = await createTestApp(
    { SMTP_URL: smtp.url, ENCRYPTION_KEY: 'ab'.repeat(32), LOG_LEVEL: 'trace', ...overrides },
    { logger: { level: 'trace', stream }, databasePrefix: 'sec' },
  );
  return {
    ...t,
    smtp,
    logs,
    async close() {
      try {
        await t.close();
      } finally {
        await smtp.close();
      }
    },
  };
}

/** Waits for the mail sent after the last answers, then returns the mails to `to`. */
export async function mailsTo(t: SecurityTestApp, to: string) {
  await settleAccountWork();
  for (let i = 0; i < 50; i++) {
    const found = t.smtp.mails.filter((m) => JSON.stringify(m.to).toLowerCase().includes(to.toLowerCase()));
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  return [];
}

/** The token of the last link mailed to `to` with the given subject. */
export async function tokenMailedTo(t: SecurityTestApp, to: string, subject: RegExp): Promise<string> {
  const mails = (await mailsTo(t, to)).filter((m) => subject.test(m.subject ?? ''));
  const text = mails.at(-1)?.text ?? '';
  const token = /#token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no mail with a token to ${to} (${subject})`);
  return token;
}
