import { seedAnalytics } from './analytics';
import { seedGoals } from './goals';
import { seedMonitoring } from './monitoring';
import { seedOncall } from './oncall';
import type { DemoStep } from './seed';
import { seedStatusPage } from './status-page';
import { seedSecurity } from './security';
import { seedSubscribers } from './subscribers';

/**
 * Each capability's demo data, after the demo user and team exist: monitoring and analytics are
 * independent and run side by side; the status page shows the monitors, so it comes after.
 */
export const demoSeeders: DemoStep[] = [[seedMonitoring, seedAnalytics], seedStatusPage, seedSecurity, seedOncall, seedSubscribers, seedGoals];
