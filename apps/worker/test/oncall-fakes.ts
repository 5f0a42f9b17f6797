/**
 * Real local servers speaking the on-call providers' API shapes (SPEC 11): each checks the request
 * the way the provider does (path, auth, required fields) and answers the provider's success
 * body, or its error body for a malformed request. Tests push 429/5xx/4xx answers onto `script`.
 * Everything listens on 127.0.0.1 port 0. Not imported by production code.
 */
import { randomUUID } from 'node:crypto';
import { startFake, type FakeServer, type RecordedRequest, type ScriptedAnswer } from '../src/notify/testing';

export type OncallKind = 'slack' | 'discord' | 'teams' | 'pagerduty' | 'opsgenie' | 'ntfy' | 'pushover' | 'sms';

function json(body: string): Record<string, any> | null {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, any>) : null;
  } catch {
    return null;
  }
}

function form(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

let seq = 0;

const ANSWER: Record<OncallKind, (req: RecordedRequest) => ScriptedAnswer> = {
  // Slack answers plain text: `ok`, or the error code.
  slack: (req) => {
    const b = json(req.body);
    if (!b || typeof b.text !== 'string' || (!Array.isArray(b.blocks) && !Array.isArray(b.attachments))) return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'invalid_payload' };
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
  },
  discord: (req) => {
    const b = json(req.body);
    if (!b || !Array.isArray(b.embeds) || b.embeds.length === 0) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    if (!req.path.includes('wait=true')) return { status: 204 };
    return { status: 200, body: { id: String(1_000_000_000 + ++seq), type: 0, embeds: b.embeds } };
  },
  teams: (req) => {
    const b = json(req.body);
    const card = b?.attachments?.[0];
    if (b?.type !== 'message' || card?.contentType !== 'application/vnd.microsoft.card.adaptive' || card?.content?.type !== 'AdaptiveCard') {
      return { status: 400, body: { error: { code: 'InvalidRequestContent', message: 'The request content is not valid' } } };
    }
    return { status: 202 };
  },
  pagerduty: (req) => {
    const b = json(req.body);
    const errors: string[] = [];
    if (req.path !== '/v2/enqueue') return { status: 404, body: { status: 'not found' } };
    if (!b || typeof b.routing_key !== 'string' || !/^[A-Za-z0-9]{32}$/.test(b.routing_key)) errors.push("'routing_key' is invalid");
    if (!['trigger', 'acknowledge', 'resolve'].includes(b?.event_action)) errors.push("'event_action' is invalid");
    if (b?.event_action !== 'trigger' && !b?.dedup_key) errors.push("'dedup_key' is missing");
    if (b?.event_action === 'trigger' && (!b.payload?.summary || !b.payload?.source || !['critical', 'error', 'warning', 'info'].includes(b.payload?.severity))) errors.push("'payload' is invalid");
    if (errors.length > 0) return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: b!.dedup_key ?? randomUUID() } };
  },
  opsgenie: (req) => {
    if (!/^GenieKey [A-Za-z0-9-]{20,64}$/.test(String(req.headers.authorization ?? ''))) return { status: 401, body: { message: 'Key format is not valid!', took: 0, requestId: randomUUID() } };
    const b = json(req.body);
    const create = req.path === '/v2/alerts';
    const action = /^\/v2\/alerts\/[^/?]+\/(acknowledge|close)\?identifierType=alias$/.test(req.path);
    if (!create && !action) return { status: 404, body: { message: 'Not found', took: 0, requestId: randomUUID() } };
    if (create && (!b || typeof b.message !== 'string' || b.message.length > 130 || !b.alias)) return { status: 422, body: { message: 'Request body is not processable', errors: { message: 'Message can not be empty.' }, took: 0, requestId: randomUUID() } };
    return { status: 202, body: { result: 'Request will be processed', took: 0.01, requestId: randomUUID() } };
  },
  ntfy: (req) => {
    const b = json(req.body);
    if (!b || typeof b.topic !== 'string' || !b.topic) return { status: 400, body: { code: 40010, http: 400, error: 'invalid request: topic invalid' } };
    return { status: 200, body: { id: `nt${++seq}`, time: Math.floor(Date.now() / 1000), event: 'message', topic: b.topic, message: b.message, priority: b.priority } };
  },
  pushover: (req) => {
    if (req.path !== '/1/messages.json') return { status: 404, body: { status: 0, errors: ['not found'] } };
    const f = form(req.body);
    const request = randomUUID();
    if (!/^[A-Za-z0-9]{30}$/.test(f.token ?? '')) return { status: 400, body: { token: 'invalid', errors: ['application token is invalid'], status: 0, request } };
    if (!/^[A-Za-z0-9]{30}$/.test(f.user ?? '')) return { status: 400, body: { user: 'invalid', errors: ['user identifier is not a valid user, group, or subscribed user key'], status: 0, request } };
    if (!f.message) return { status: 400, body: { message: 'cannot be blank', errors: ['message cannot be blank'], status: 0, request } };
    if (f.priority === '2' && (!f.retry || !f.expire)) return { status: 400, body: { errors: ['retry and expire are required for emergency priority'], status: 0, request } };
    return { status: 200, body: { status: 1, request, ...(f.priority === '2' ? { receipt: `r${++seq}` } : {}) } };
  },
  sms: (req) => {
    const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/i.exec(req.path);
    if (!m) return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
    const auth = String(req.headers.authorization ?? '');
    const user = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString().split(':')[0];
    if (!auth.startsWith('Basic ') || user !== m[1]) return { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } };
    const f = form(req.body);
    if (!/^\+[1-9]\d{6,14}$/.test(f.To ?? '')) return { status: 400, body: { code: 21211, message: `The 'To' number ${f.To} is not a valid phone number.`, status: 400 } };
    if (!f.Body) return { status: 400, body: { code: 21602, message: 'Message body is required.', status: 400 } };
    return { status: 201, body: { sid: `SM${randomUUID().replace(/-/g, '')}`, status: 'queued', to: f.To, from: f.From, body: f.Body } };
  },
};

export function startProviderFake(kind: OncallKind): Promise<FakeServer> {
  return startFake(ANSWER[kind]);
}

/** The JSON (or form) body of a recorded request. */
export function bodyOf(req: RecordedRequest): Record<string, any> {
  return json(req.body) ?? form(req.body);
}
