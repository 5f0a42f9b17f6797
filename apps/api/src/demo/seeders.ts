import type { DemoContext } from './seed';

/** Each capability's demo data, run in order after the demo user and team exist. */
export const demoSeeders: Array<(ctx: DemoContext) => Promise<void>> = [];
