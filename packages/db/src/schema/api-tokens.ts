import type { ColumnType, Generated, JSONColumnType } from 'kysely';

export interface ApiTokensTable {
  id: Generated<number>;
  team_id: number;
  created_by: number;
  name: string;
  prefix: string;
  token_hash: Buffer;
  scopes: JSONColumnType<string[], string, string>;
  expires_at: Date | null;
  last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface ApiTokensTables {
  api_tokens: ApiTokensTable;
}
