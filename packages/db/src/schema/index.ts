import type { AccountsTables } from './accounts';

export type * from './accounts';

/** All tables; each capability adds its tables in its own file and joins them here. */
export interface Database extends AccountsTables {}
