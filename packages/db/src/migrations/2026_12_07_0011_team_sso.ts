import { sql, type Kysely } from 'kysely';

/** Single sign-on with OpenID Connect per team (SPEC 13). Frozen in time: takes Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('team_sso')
    .addColumn('team_id', 'integer', (c) => c.unsigned().primaryKey().references('teams.id').onDelete('cascade'))
    .addColumn('issuer', 'varchar(512)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(255)', (c) => c.notNull())
    // AES-256-GCM with the team as associated data (the channel-secret format), null for public clients.
    .addColumn('client_secret_enc', 'varchar(1024)')
    .addColumn('default_role', sql`enum('admin','member')`, (c) => c.notNull().defaultTo('member'))
    .addColumn('sso_required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .execute();

  // An account's identity at a provider: (issuer, subject) is stable where an email may change.
  await db.schema
    .createTable('sso_identities')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('user_id', 'integer', (c) => c.unsigned().notNull().references('users.id').onDelete('cascade'))
    .addColumn('issuer', 'varchar(512)', (c) => c.notNull())
    .addColumn('subject', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .execute();
  // issuer(191) keeps the unique key inside InnoDB's 3072-byte limit under utf8mb4.
  await sql`CREATE UNIQUE INDEX sso_identities_iss_sub_uq ON sso_identities (issuer(191), subject)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sso_identities').ifExists().execute();
  await db.schema.dropTable('team_sso').ifExists().execute();
}
