import type { AccountsTables } from './accounts';
import type { AlertsTables } from './alerts';
import type { AnalyticsTables } from './analytics';
import type { InstallationTables } from './installation';
import type { MonitoringTables } from './monitoring';
import type { OncallTables } from './oncall';
import type { StatusPagesTables } from './status-pages';
import type { SecurityTables } from './security';
import type { SubscribersTables } from './subscribers';
import type { ApiTokensTables } from './api-tokens';

export type * from './accounts';
export type * from './alerts';
export type * from './analytics';
export type * from './installation';
export type * from './monitoring';
export type * from './oncall';
export type * from './status-pages';
export type * from './security';
export type * from './subscribers';
export type * from './api-tokens';

/** All tables; each capability adds its tables in its own file and joins them here. */
export interface Database extends AccountsTables, AlertsTables, AnalyticsTables, InstallationTables, MonitoringTables, StatusPagesTables, SecurityTables, OncallTables, SubscribersTables, ApiTokensTables {}
