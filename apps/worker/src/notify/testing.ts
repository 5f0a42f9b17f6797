/**
 * Real local peers for the alert tests and the benchmark: a Standard Webhooks receiver, fake
 * Telegram and WhatsApp Cloud APIs, an SMTP server. Everything listens on 127.0.0.1 port 0 and
 * answers from a script the test sets. Not imported by production code.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Answers for the next requests, in order; when empty the default answer is used. */
  script: ScriptedAnswer[];
  /** Called for every request before answering; may hold the answer (e.g. to kill a worker first). */
  onRequest?: (req: RecordedRequest) => Promise<void> | void;
  close(): Promise<void>;
}

export async function startFake(defaultAnswer: (req: RecordedRequest) => ScriptedAnswer): Promise<FakeServer> {
  const fake: FakeServer = {
    url: '',
    requests: [],
    script: [],
    close: async () => undefined,
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      fake.requests.push(rec);
      void (async () => {
        await fake.onRequest?.(rec);
        const answer = fake.script.shift() ?? defaultAnswer(rec);
        const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(body);
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return fake;
}

export interface WebhookReceiver extends FakeServer {
  /** Deliveries whose signature verified with the `standardwebhooks` package, as a receiver would. */
  verified(): Array<{ id: string; payload: { type: string; data: Record<string, any> } }>;
  /** Distinct webhook-ids among verified deliveries: what a deduplicating receiver acts on. */
  uniqueIds(): string[];
}

export async function startWebhookReceiver(secret: () => string): Promise<WebhookReceiver> {
  const fake = await startFake(() => ({ status: 204 }));
  const verified = () =>
    fake.requests.flatMap((r) => {
      try {
        const payload = new Webhook(secret()).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, any> };
        return [{ id: String(r.headers['webhook-id']), payload }];
      } catch {
        return [];
      }
    });
  return Object.assign(fake, { verified, uniqueIds: () => [...new Set(verified().map((v) => v.id))] });
}

export async function startFakeTelegram(): Promise<FakeServer> {
  let messageId = 0;
  return startFake((req) => {
    if (!/^\/bot\d+:[A-Za-z0-9_-]+\/sendMessage$/.test(req.path)) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    return { status: 200, body: { ok: true, result: { message_id: ++messageId } } };
  });
}

export async function startFakeWhatsApp(): Promise<FakeServer> {
  let n = 0;
  return startFake((req) => {
    if (!/^\/\d+\/messages$/.test(req.path)) return { status: 404, body: { error: { message: 'Unknown path', code: 803 } } };
    return { status: 200, body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.${++n}` }] } };
  });
}

export interface FakeSmtp {
  url: string;
  mails: ParsedMail[];
  /** Response code for the next messages' DATA (e.g. 451 temporary, 550 permanent). */
  reject: Array<{ code: number; message: string }>;
  /** Called at RCPT TO, before any message data (the test may kill the sender there). */
  onRcpt?: () => Promise<void> | void;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<FakeSmtp> {
  const state: FakeSmtp = { url: '', mails: [], reject: [], close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      void (async () => {
        await state.onRcpt?.();
        callback();
      })();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          const rej = state.reject.shift();
          if (rej) return callback(Object.assign(new Error(rej.message), { responseCode: rej.code }));
          state.mails.push(await simpleParser(Buffer.concat(chunks)));
          callback();
        })();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}
