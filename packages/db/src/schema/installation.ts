import type { ColumnType } from 'kysely';

/** One row: the id of this installation, created with the database (ADR 0100). */
export interface InstallationTable {
  id: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface InstallationTables {
  installation: InstallationTable;
}
