import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives development defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      databaseUrl: 'mysql://root@127.0.0.1:3306/sentrypulse',
      redisUrl: 'redis://127.0.0.1:6379',
      apiPort: 4000,
      webPort: 3000,
      publicUrl: 'http://localhost:3000',
      outboundAllowPrivate: false,
      cookieSecure: false,
    });
  });

  it.each([
    [{ API_PORT: 'eighty' }, 'API_PORT'],
    [{ API_PORT: '70000' }, 'API_PORT'],
    [{ DATABASE_URL: 'postgres://x/y' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ OUTBOUND_ALLOW_PRIVATE: 'maybe' }, 'OUTBOUND_ALLOW_PRIVATE'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'ENCRYPTION_KEY'],
  ])('stops with one line naming the variable for %o', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(variable);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('marks cookies Secure behind HTTPS and parses booleans', () => {
    const c = loadConfig({ PUBLIC_URL: 'https://status.example.com/', OUTBOUND_ALLOW_PRIVATE: 'true' });
    expect(c.cookieSecure).toBe(true);
    expect(c.publicUrl).toBe('https://status.example.com');
    expect(c.outboundAllowPrivate).toBe(true);
  });
});
