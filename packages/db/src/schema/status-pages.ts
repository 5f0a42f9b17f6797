import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface StatusPagesTable {
  id: Generated<number>;
  team_id: number;
  slug: string;
  title: string;
  description: string | null;
  /** MySQL BOOLEAN is TINYINT(1): read as 0/1, written as boolean or number. */
  is_public: ColumnType<number, boolean | number | undefined, boolean | number>;
  logo_url: string | null;
  accent_color: string | null;
  custom_domain: string | null;
  show_incident_history: ColumnType<number, boolean | number | undefined, boolean | number>;
  show_maintenances: ColumnType<number, boolean | number | undefined, boolean | number>;
  /** Subscriber notices paused by the team (migration 2026_12_07_0030). */
  notices_paused: ColumnType<number, boolean | number | undefined, boolean | number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface StatusPageComponentsTable {
  id: Generated<number>;
  status_page_id: number;
  monitor_id: number;
  display_name: string;
  group_name: string | null;
  position: number;
}

export interface StatusPagesTables {
  status_pages: StatusPagesTable;
  status_page_components: StatusPageComponentsTable;
}
