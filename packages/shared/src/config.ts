import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.url({ protocol: /^mysql$/, error: 'must be a mysql:// URL' }).default('mysql://root@127.0.0.1:3306/sentrypulse'),
  DATABASE_READ_URL: z.url({ protocol: /^mysql$/, error: 'must be a mysql:// URL' }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().regex(/^[a-zA-Z0-9:_-]{1,64}$/, 'must be 1-64 of [a-zA-Z0-9:_-]').default('sp'),
  API_HOST: z.string().default('0.0.0.0'),
  API_PORT: port.default(4000),
  WEB_PORT: port.default(3000),
  WORKER_PORT: port.default(4001),
  PUBLIC_URL: z.url({ error: 'must be an absolute URL' }).default('http://localhost:3000'),
  API_PUBLIC_URL: z.url({ error: 'must be an absolute URL' }).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ENCRYPTION_KEY: z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)').optional(),
  TRUST_PROXY: z.string().default('loopback'),
  CORS_ORIGINS: z.string().default(''),
  OUTBOUND_ALLOW_PRIVATE: bool.default(false),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z.string().default('SentryPulse <alerts@sentrypulse.local>'),
  TELEGRAM_API_BASE: z.url().default('https://api.telegram.org'),
  WHATSAPP_API_BASE: z.url().default('https://graph.facebook.com/v21.0'),
  PAGERDUTY_API_BASE: z.url().default('https://events.pagerduty.com'),
  /** Unset: by the channel's region (api.opsgenie.com / api.eu.opsgenie.com); set: every region. */
  OPSGENIE_API_BASE: z.url().optional(),
  PUSHOVER_API_BASE: z.url().default('https://api.pushover.net'),
  TWILIO_API_BASE: z.url().default('https://api.twilio.com'),
  CHECK_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  PAGEVIEW_RETENTION_DAYS: z.coerce.number().int().min(1).default(400),
  CHECK_JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_ENABLED: bool.default(true),
  /** Custom-domain TXT checks (ADR 0137): comma-separated `ip[:port]`; empty = the system resolver. */
  DNS_SERVERS: z
    .string()
    .regex(/^$|^[0-9a-fA-F.:[\]]+(,[0-9a-fA-F.:[\]]+)*$/, 'must be a comma-separated list of ip[:port]')
    .default(''),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  databaseUrl: string;
  databaseReadUrl: string | undefined;
  redisUrl: string;
  redisPrefix: string;
  apiHost: string;
  apiPort: number;
  webPort: number;
  workerPort: number;
  publicUrl: string;
  apiPublicUrl: string;
  jwtSecret: string;
  encryptionKey: Buffer;
  trustProxy: boolean | string;
  corsOrigins: string[];
  outboundAllowPrivate: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  telegramApiBase: string;
  whatsappApiBase: string;
  pagerdutyApiBase: string;
  opsgenieApiBase: string | undefined;
  pushoverApiBase: string;
  twilioApiBase: string;
  checkRetentionDays: number;
  pageviewRetentionDays: number;
  /**
   * BullMQ lock of a running check job and the stalled-job check interval of the checks worker:
   * a check a killed worker held is handed to another worker within one to two of these.
   */
  checkJobLockMs: number;
  logLevel: string;
  rateLimitEnabled: boolean;
  cookieSecure: boolean;
  dnsServers: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once at start-up. Throws a ConfigError whose message is one line naming
 * the variable, which `exitOnConfigError` prints before exiting.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError('invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  }
  if (e.NODE_ENV === 'production' && !e.ENCRYPTION_KEY) {
    throw new ConfigError('invalid configuration: ENCRYPTION_KEY is required when NODE_ENV=production');
  }
  const trustProxy =
    e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY === 'false' || e.TRUST_PROXY === '' ? false : e.TRUST_PROXY;
  return {
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    apiHost: e.API_HOST,
    apiPort: e.API_PORT,
    webPort: e.WEB_PORT,
    workerPort: e.WORKER_PORT,
    publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
    apiPublicUrl: (e.API_PUBLIC_URL ?? e.PUBLIC_URL).replace(/\/$/, ''),
    // Outside production a fixed development secret lets several local processes agree;
    // production refuses to start without JWT_SECRET (checked above).
    jwtSecret: e.JWT_SECRET ?? 'development-only-jwt-secret-never-use-in-production',
    encryptionKey: Buffer.from(e.ENCRYPTION_KEY ?? '0'.repeat(64), 'hex'),
    trustProxy,
    corsOrigins: e.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    outboundAllowPrivate: e.OUTBOUND_ALLOW_PRIVATE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    telegramApiBase: e.TELEGRAM_API_BASE.replace(/\/$/, ''),
    whatsappApiBase: e.WHATSAPP_API_BASE.replace(/\/$/, ''),
    pagerdutyApiBase: e.PAGERDUTY_API_BASE.replace(/\/$/, ''),
    opsgenieApiBase: e.OPSGENIE_API_BASE?.replace(/\/$/, ''),
    pushoverApiBase: e.PUSHOVER_API_BASE.replace(/\/$/, ''),
    twilioApiBase: e.TWILIO_API_BASE.replace(/\/$/, ''),
    checkRetentionDays: e.CHECK_RETENTION_DAYS,
    pageviewRetentionDays: e.PAGEVIEW_RETENTION_DAYS,
    checkJobLockMs: e.CHECK_JOB_LOCK_MS,
    logLevel: e.LOG_LEVEL,
    rateLimitEnabled: e.RATE_LIMIT_ENABLED,
    cookieSecure: e.PUBLIC_URL.startsWith('https:'),
    dnsServers: e.DNS_SERVERS.split(',').map((x) => x.trim()).filter(Boolean),
  };
}

/** For entry points: print the one clear line and stop. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
