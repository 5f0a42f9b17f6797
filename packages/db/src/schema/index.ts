import type { AccountsTables } from './accounts';
import type { MonitoringTables } from './monitoring';

export type * from './accounts';
export type * from './monitoring';

/** All tables; each capability adds its tables in its own file and joins them here. */
export interface Database extends AccountsTables, MonitoringTables {}
