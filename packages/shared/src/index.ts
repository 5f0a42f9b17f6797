export * from './common';
export * from './roles';
export * from './plans';
export * from './auth';
export * from './teams';
export * from './status-pages';
