export * from './common';
export * from './roles';
export * from './plans';
export * from './auth';
export * from './teams';
export * from './sites';
export * from './analytics';
export * from './status-pages';
