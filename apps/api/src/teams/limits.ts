import { PLAN_LIMITS, type LimitName, type Plan } from '@sentrypulse/shared';
import { LimitReached } from '../errors';

/** Throws the 403 "limit-reached" problem when adding `adding` would exceed the plan's limit. */
export function assertWithinLimit(plan: Plan, limit: Exclude<LimitName, 'min_interval_seconds'>, current: number, adding = 1) {
  const max = PLAN_LIMITS[plan][limit];
  if (current + adding > max) throw new LimitReached(limit, plan, max);
}

export function assertIntervalAllowed(plan: Plan, intervalSeconds: number) {
  const min = PLAN_LIMITS[plan].min_interval_seconds;
  if (intervalSeconds < min) throw new LimitReached('min_interval_seconds', plan, min);
}
