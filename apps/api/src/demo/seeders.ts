import { seedAnalytics } from './analytics';
import { seedMonitoring } from './monitoring';
import type { DemoSeeder } from './seed';
import { seedStatusPage } from './status-page';

/** Each capability's demo data, run in order after the demo user and team exist. */
export const demoSeeders: DemoSeeder[] = [seedMonitoring, seedStatusPage, seedAnalytics];
