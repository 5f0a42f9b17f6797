import { sql, type Kysely } from 'kysely';

// Team API tokens (SPEC 12/17, ADR 0160): only the SHA-256 of the secret is stored; `prefix` (the
// first characters after `sp_`) is shown in lists so people can tell tokens apart. Frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE api_tokens (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      created_by INT UNSIGNED NOT NULL,
      name VARCHAR(100) NOT NULL,
      prefix CHAR(8) NOT NULL,
      token_hash BINARY(32) NOT NULL,
      scopes JSON NOT NULL,
      expires_at DATETIME(3) NULL,
      last_used_at DATETIME(3) NULL,
      revoked_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY api_tokens_hash_uq (token_hash),
      KEY api_tokens_team_idx (team_id, id),
      CONSTRAINT api_tokens_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
      CONSTRAINT api_tokens_user_fk FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE api_tokens`.execute(db);
}
