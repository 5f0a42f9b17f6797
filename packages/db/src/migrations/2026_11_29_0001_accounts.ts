import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they take Kysely<any> and never import app types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('owner_id', 'integer', (c) => c.unsigned().notNull().references('users.id'))
    .addColumn('plan', sql`enum('free','pro','business')`, (c) => c.notNull().defaultTo('free'))
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .execute();

  await db.schema
    .createTable('team_users')
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.unsigned().notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', sql`enum('owner','admin','member')`, (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addPrimaryKeyConstraint('team_users_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('team_users_user_idx').on('team_users').columns(['user_id', 'team_id']).execute();

  // Opaque refresh tokens, stored as SHA-256 hashes. A family is one login; rotation marks the
  // old row used, and re-use of a used row revokes the whole family.
  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('user_id', 'integer', (c) => c.unsigned().notNull().references('users.id').onDelete('cascade'))
    .addColumn('family_id', sql`char(32)`, (c) => c.notNull())
    .addColumn('token_hash', sql`binary(32)`, (c) => c.notNull().unique())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('expires_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('used_at', sql`datetime(3)`)
    .addColumn('revoked_at', sql`datetime(3)`)
    .execute();
  await db.schema.createIndex('refresh_tokens_family_idx').on('refresh_tokens').column('family_id').execute();
  await db.schema.createIndex('refresh_tokens_user_idx').on('refresh_tokens').column('user_id').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('role', sql`enum('admin','member')`, (c) => c.notNull())
    .addColumn('token_hash', sql`binary(32)`, (c) => c.notNull().unique())
    .addColumn('invited_by', 'integer', (c) => c.unsigned().notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('expires_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('accepted_at', sql`datetime(3)`)
    .addColumn('revoked_at', sql`datetime(3)`)
    .execute();
  await db.schema.createIndex('invitations_team_idx').on('invitations').columns(['team_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['invitations', 'refresh_tokens', 'team_users', 'teams', 'users']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
