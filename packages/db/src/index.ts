export * from './connection';
export * from './migrate';
export type * from './schema';
export { sql } from 'kysely';
