import type { ColumnType, Generated } from 'kysely';
import type { Plan, Role } from '@sentrypulse/shared';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface UsersTable {
  id: Generated<number>;
  name: string;
  email: string;
  password_hash: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface TeamsTable {
  id: Generated<number>;
  name: string;
  owner_id: number;
  plan: ColumnType<Plan, Plan | undefined, Plan>;
  created_at: CreatedAt;
}

export interface TeamUsersTable {
  team_id: number;
  user_id: number;
  role: Role;
  created_at: CreatedAt;
}

export interface RefreshTokensTable {
  id: Generated<number>;
  user_id: number;
  family_id: string;
  token_hash: Buffer;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export interface InvitationsTable {
  id: Generated<number>;
  team_id: number;
  email: string;
  role: 'admin' | 'member';
  token_hash: Buffer;
  invited_by: number;
  created_at: CreatedAt;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

export interface AccountsTables {
  users: UsersTable;
  teams: TeamsTable;
  team_users: TeamUsersTable;
  refresh_tokens: RefreshTokensTable;
  invitations: InvitationsTable;
}
