import { sql, type Kysely } from 'kysely';

/**
 * Account security (SPEC 13): email verification, password reset and MFA tokens, TOTP, recovery
 * codes, sessions (one per refresh-token family), a team's "require 2FA" switch and a security
 * event log. Frozen in time: takes Kysely<any>.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('email_verified_at', sql`datetime(3)`)
    // AES-256-GCM (ENCRYPTION_KEY, user id as associated data); pending until a code enables it.
    .addColumn('totp_secret_enc', 'varchar(255)')
    .addColumn('totp_enabled_at', sql`datetime(3)`)
    // The last RFC 6238 time step accepted: a code is single-use within its window.
    .addColumn('totp_last_step', 'bigint')
    .execute();

  // Accounts from before verification existed keep receiving their alert emails and can accept
  // invitations: they are taken as verified (grandfathered) rather than cut off by an upgrade.
  await sql`UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL`.execute(db);

  await db.schema.alterTable('teams').addColumn('require_2fa', 'boolean', (c) => c.notNull().defaultTo(false)).execute();

  // Single-use, short-lived secrets mailed or handed out: stored only as SHA-256 hashes.
  await db.schema
    .createTable('account_tokens')
    .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('user_id', 'integer', (c) => c.unsigned().notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', sql`enum('password_reset','verify_email','mfa')`, (c) => c.notNull())
    .addColumn('token_hash', sql`binary(32)`, (c) => c.notNull().unique())
    // verify_email: the address being proven (the new one on an email change).
    .addColumn('email', 'varchar(254)')
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('expires_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('used_at', sql`datetime(3)`)
    .execute();
  await db.schema.createIndex('account_tokens_user_idx').on('account_tokens').columns(['user_id', 'purpose']).execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('user_id', 'integer', (c) => c.unsigned().notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', sql`binary(32)`, (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('used_at', sql`datetime(3)`)
    .addUniqueConstraint('recovery_codes_user_code_uq', ['user_id', 'code_hash'])
    .execute();

  // One row per refresh-token family (one login on one device).
  await db.schema
    .createTable('sessions')
    .addColumn('family_id', sql`char(32)`, (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.unsigned().notNull().references('users.id').onDelete('cascade'))
    .addColumn('user_agent', 'varchar(512)')
    .addColumn('device', 'varchar(120)', (c) => c.notNull())
    // Truncated: /24 for IPv4, /48 for IPv6.
    .addColumn('ip', 'varchar(45)')
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('last_used_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('revoked_at', sql`datetime(3)`)
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['user_id', 'last_used_at']).execute();

  // Brute-force and account events, until (and for) the audit log of the automation issue.
  await db.schema
    .createTable('security_events')
    .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('user_id', 'integer', (c) => c.unsigned().references('users.id').onDelete('cascade'))
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    .addColumn('ip', 'varchar(45)')
    .addColumn('detail', 'varchar(255)')
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .execute();
  await db.schema.createIndex('security_events_user_idx').on('security_events').columns(['user_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['security_events', 'sessions', 'recovery_codes', 'account_tokens']) await db.schema.dropTable(t).ifExists().execute();
  await db.schema.alterTable('teams').dropColumn('require_2fa').execute();
  await db.schema
    .alterTable('users')
    .dropColumn('email_verified_at')
    .dropColumn('totp_secret_enc')
    .dropColumn('totp_enabled_at')
    .dropColumn('totp_last_step')
    .execute();
}
