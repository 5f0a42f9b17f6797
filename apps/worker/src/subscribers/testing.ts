/**
 * A real local subscriber endpoint for tests: a Standard Webhooks receiver that learns its secret
 * from the verification request (verifying it with the `standardwebhooks` package, as a receiver
 * would), echoes the challenge, and records every verified delivery. Not used by production code.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface SubscriberReceiver {
  url: string;
  secret: string | null;
  /** Every request as received. */
  requests: Array<{ path: string; headers: IncomingMessage['headers']; body: string }>;
  /** Deliveries whose signature verified. */
  verified: Array<{ id: string; payload: { type: string; data: Record<string, any> } }>;
  /** Status for the next answers (after the challenge), e.g. 503 or 410; default 204. */
  answers: number[];
  /** false: answer the challenge wrongly. */
  echo: boolean;
  close(): Promise<void>;
}

export async function startSubscriberReceiver(): Promise<SubscriberReceiver> {
  const state: SubscriberReceiver = { url: '', secret: null, requests: [], verified: [], answers: [], echo: true, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.requests.push({ path: req.url ?? '', headers: req.headers, body });
      let parsed: { type?: string; data?: { secret?: string; challenge?: string } } = {};
      try {
        parsed = JSON.parse(body);
      } catch {
        /* not JSON: recorded, answered below */
      }
      if (parsed.type === 'subscription.verification' && parsed.data?.secret) state.secret = parsed.data.secret;
      if (state.secret) {
        try {
          const payload = new Webhook(state.secret).verify(body, req.headers as Record<string, string>) as { type: string; data: Record<string, any> };
          state.verified.push({ id: String(req.headers['webhook-id']), payload });
        } catch {
          /* unsigned (Slack/Discord) or bad signature: not verified */
        }
      }
      if (parsed.type === 'subscription.verification') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: state.echo ? parsed.data?.challenge : 'wrong' }));
        return;
      }
      res.writeHead(state.answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
