import type { AccountsTables } from './accounts';
import type { AnalyticsTables } from './analytics';
import type { MonitoringTables } from './monitoring';

export type * from './accounts';
export type * from './analytics';
export type * from './monitoring';

/** All tables; each capability adds its tables in its own file and joins them here. */
export interface Database extends AccountsTables, MonitoringTables, AnalyticsTables {}
