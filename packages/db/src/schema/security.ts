import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

// Columns that migration 2026_12_07_0010 adds to tables of accounts.ts, declared here (module
// augmentation) so the account-security capability lives in one file.
declare module './accounts' {
  interface UsersTable {
    email_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    totp_secret_enc: ColumnType<string | null, string | null | undefined, string | null>;
    totp_enabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  }
  interface TeamsTable {
    require_2fa: ColumnType<boolean, boolean | undefined, boolean>;
  }
}

export type AccountTokenPurpose = 'password_reset' | 'verify_email' | 'mfa';

export interface AccountTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: AccountTokenPurpose;
  token_hash: Buffer;
  email: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface RecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: Buffer;
  created_at: CreatedAt;
  used_at: Date | null;
}

export interface SessionsTable {
  family_id: string;
  user_id: number;
  user_agent: string | null;
  device: string;
  ip: string | null;
  created_at: CreatedAt;
  last_used_at: ColumnType<Date, Date | undefined, Date>;
  revoked_at: Date | null;
}

export interface SecurityEventsTable {
  id: Generated<number>;
  user_id: number | null;
  event: string;
  ip: string | null;
  detail: string | null;
  created_at: CreatedAt;
}

export interface TeamSsoTable {
  team_id: number;
  issuer: string;
  client_id: string;
  client_secret_enc: string | null;
  default_role: ColumnType<'admin' | 'member', 'admin' | 'member' | undefined, 'admin' | 'member'>;
  sso_required: ColumnType<boolean, boolean | undefined, boolean>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface SsoIdentitiesTable {
  id: Generated<number>;
  user_id: number;
  issuer: string;
  subject: string;
  created_at: CreatedAt;
}

export interface SecurityTables {
  team_sso: TeamSsoTable;
  sso_identities: SsoIdentitiesTable;
  account_tokens: AccountTokensTable;
  recovery_codes: RecoveryCodesTable;
  sessions: SessionsTable;
  security_events: SecurityEventsTable;
}
