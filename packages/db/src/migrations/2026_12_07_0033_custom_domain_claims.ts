import { sql, type Kysely } from 'kysely';

// Verified custom domains (SPEC 10, ADR 0137): a page's custom_domain is served only once the
// worker found the team's TXT token at _sentrypulse.<domain>; one claim per page.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE custom_domain_claims (
      status_page_id INT UNSIGNED NOT NULL PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      domain VARCHAR(253) NOT NULL,
      status ENUM('pending','verified','lost') NOT NULL DEFAULT 'pending',
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      expires_at DATETIME(3) NOT NULL,
      verified_at DATETIME(3) NULL,
      last_checked_at DATETIME(3) NULL,
      last_error VARCHAR(255) NULL,
      lost_notified_at DATETIME(3) NULL,
      KEY custom_domain_claims_domain_idx (domain, status),
      KEY custom_domain_claims_check_idx (status, last_checked_at),
      CONSTRAINT custom_domain_claims_page_fk FOREIGN KEY (status_page_id) REFERENCES status_pages (id) ON DELETE CASCADE,
      CONSTRAINT custom_domain_claims_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('custom_domain_claims').ifExists().execute();
}
