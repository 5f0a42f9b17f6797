import { z } from 'zod';

export const Plan = z.enum(['free', 'pro', 'business']);
export type Plan = z.infer<typeof Plan>;

export const PlanLimits = z.object({
  monitors: z.number().int(),
  min_interval_seconds: z.number().int(),
  sites: z.number().int(),
  status_pages: z.number().int(),
  members: z.number().int(),
});
export type PlanLimits = z.infer<typeof PlanLimits>;
export type LimitName = keyof PlanLimits;

/** The limits of every plan, in one place. */
export const PLAN_LIMITS: Record<Plan, PlanLimits> = {
  free: { monitors: 10, min_interval_seconds: 60, sites: 2, status_pages: 1, members: 3 },
  pro: { monitors: 100, min_interval_seconds: 30, sites: 20, status_pages: 10, members: 20 },
  business: { monitors: 25_000, min_interval_seconds: 10, sites: 200, status_pages: 100, members: 500 },
};
