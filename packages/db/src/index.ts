export * from './connection';
export * from './migrate';
export type * from './schema';
export { sql } from 'kysely';
export * from './queries/analytics';
export * from './queries/analytics-time';
export * from './queries/analytics-stats';
export * from './queries/analytics-aggregate';
