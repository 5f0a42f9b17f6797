import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { decryptSecret, decryptSecrets, encryptSecret, encryptSecrets, SecretDecryptionError } from '../secrets';
import { assignMonitorChannels, channelIdsByMonitor, channelsForEvent, monitorChannelIds } from './channels';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('channels');
});
afterAll(async () => {
  await t.drop();
});

async function team(name: string) {
  const user = await t.db.insertInto('users').values({ name, email: `${name}-${randomBytes(3).toString('hex')}@example.com`, password_hash: 'x' }).executeTakeFirstOrThrow();
  const tm = await t.db.insertInto('teams').values({ name, owner_id: Number(user.insertId) }).executeTakeFirstOrThrow();
  return Number(tm.insertId);
}
async function monitor(teamId: number) {
  const m = await t.db
    .insertInto('monitors')
    .values({ team_id: teamId, name: 'm', type: 'http', url: 'http://x', interval_seconds: 60, timeout_ms: 5000 })
    .executeTakeFirstOrThrow();
  return Number(m.insertId);
}
async function channel(teamId: number, isDefault: boolean, enabled = true) {
  const c = await t.db
    .insertInto('notification_channels')
    .values({ team_id: teamId, type: 'webhook', name: 'c', config: JSON.stringify({ url: 'https://example.com' }), secret_ciphertext: null, is_default: isDefault, enabled })
    .executeTakeFirstOrThrow();
  return Number(c.insertId);
}

describe('assignMonitorChannels', () => {
  it('gives a new monitor the team default channels, replaces routing exactly, and refuses other teams ids', async () => {
    const a = await team('a');
    const b = await team('b');
    const d1 = await channel(a, true);
    const d2 = await channel(a, true);
    const other = await channel(a, false);
    const foreign = await channel(b, true);
    const m = await monitor(a);

    expect(await assignMonitorChannels(t.db, a, m, undefined)).toEqual({ unknownIds: [] });
    expect(await monitorChannelIds(t.db, a, m)).toEqual([d1, d2]);

    expect(await assignMonitorChannels(t.db, a, m, [other, other])).toEqual({ unknownIds: [] });
    expect(await monitorChannelIds(t.db, a, m)).toEqual([other]);

    // a foreign id: reported, nothing changed
    expect(await assignMonitorChannels(t.db, a, m, [d1, foreign, 999999])).toEqual({ unknownIds: [foreign, 999999] });
    expect(await monitorChannelIds(t.db, a, m)).toEqual([other]);

    expect(await assignMonitorChannels(t.db, a, m, [])).toEqual({ unknownIds: [] });
    expect(await monitorChannelIds(t.db, a, m)).toEqual([]);
    expect((await channelIdsByMonitor(t.db, a, [m])).get(m)).toBeUndefined();
  });

  it('routes events to enabled monitor channels, or to the team defaults without a monitor', async () => {
    const a = await team('c');
    const def = await channel(a, true);
    const routed = await channel(a, false);
    const disabled = await channel(a, false, false);
    const m = await monitor(a);
    await assignMonitorChannels(t.db, a, m, [routed, disabled]);
    expect((await channelsForEvent(t.db, a, m)).map((c) => c.id)).toEqual([routed]);
    expect((await channelsForEvent(t.db, a, null)).map((c) => c.id)).toEqual([def]);
  });
});

describe('channel secrets', () => {
  const key = randomBytes(32);
  it('round-trips, uses a fresh IV each time and never contains the plaintext', () => {
    const a = encryptSecret(key, 1, 'whsec_abc');
    const b = encryptSecret(key, 1, 'whsec_abc');
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_abc');
    expect(decryptSecret(key, 1, a)).toBe('whsec_abc');
    expect(decryptSecrets(key, 7, encryptSecrets(key, 7, { bot_token: '1:x' }))).toEqual({ bot_token: '1:x' });
    expect(encryptSecrets(key, 7, {})).toBeNull();
    expect(decryptSecrets(key, 7, null)).toEqual({});
  });

  it('refuses another team, another key and a tampered value', () => {
    const v = encryptSecret(key, 1, 'secret');
    expect(() => decryptSecret(key, 2, v)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(randomBytes(32), 1, v)).toThrow(SecretDecryptionError);
    const parts = v.split('.');
    parts[3] = Buffer.from('xxxxxx').toString('base64url');
    expect(() => decryptSecret(key, 1, parts.join('.'))).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, 1, 'garbage')).toThrow(SecretDecryptionError);
  });
});
