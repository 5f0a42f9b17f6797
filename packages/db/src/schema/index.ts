import type { AccountsTables } from './accounts';
import type { AnalyticsTables } from './analytics';
import type { MonitoringTables } from './monitoring';
import type { StatusPagesTables } from './status-pages';

export type * from './accounts';
export type * from './analytics';
export type * from './monitoring';
export type * from './status-pages';

/** All tables; each capability adds its tables in its own file and joins them here. */
export interface Database extends AccountsTables, AnalyticsTables, MonitoringTables, StatusPagesTables {}
