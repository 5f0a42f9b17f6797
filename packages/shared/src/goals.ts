import { z } from 'zod';
import { IdParam } from './common';

// Goals (SPEC 15/17): a page path pattern or a custom event, optionally with property values.

const IsoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

/** A path pattern: starts with `/`, no whitespace, `*` matches any run of characters. */
export const GoalPath = z
  .string()
  .min(1)
  .max(2_000)
  .regex(/^\/[^\s?#]*$/, { error: 'must be a path starting with / (no spaces, query or fragment); * matches anything' });

export const CreateGoalBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    type: z.enum(['page', 'event']),
    path: GoalPath.optional(),
    event: z.string().trim().min(1).max(120).optional(),
    props: z.record(z.string().min(1).max(100), z.string().max(500)).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.type === 'page' && !b.path) ctx.addIssue({ code: 'custom', path: ['path'], message: 'a page goal needs a path' });
    if (b.type === 'page' && (b.event || b.props)) ctx.addIssue({ code: 'custom', path: ['event'], message: 'a page goal takes no event or props' });
    if (b.type === 'event' && !b.event) ctx.addIssue({ code: 'custom', path: ['event'], message: 'an event goal needs an event name' });
    if (b.type === 'event' && b.event === 'pageview') ctx.addIssue({ code: 'custom', path: ['event'], message: 'use a page goal for pageviews' });
    if (b.type === 'event' && b.path) ctx.addIssue({ code: 'custom', path: ['path'], message: 'an event goal takes no path' });
    if (b.props && Object.keys(b.props).length > 10) ctx.addIssue({ code: 'custom', path: ['props'], message: 'at most 10 property values' });
  });
export type CreateGoalBody = z.infer<typeof CreateGoalBody>;

export const GoalParams = z.strictObject({ teamId: IdParam, siteId: IdParam, goalId: IdParam });

export const GoalsQuery = z
  .strictObject({ from: IsoDate, to: IsoDate })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 800 * 86_400_000, { message: 'the range must be at most 800 days', path: ['to'] });
export type GoalsQuery = z.infer<typeof GoalsQuery>;

export const Goal = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.enum(['page', 'event']),
  path: z.string().nullable(),
  event: z.string().nullable(),
  props: z.record(z.string(), z.string()).nullable(),
  created_at: z.string(),
});
export type Goal = z.infer<typeof Goal>;

export const GoalStats = Goal.extend({
  /** Sum of each day's unique visitors who converted (salts rotate daily). */
  visitors: z.number().int(),
  conversions: z.number().int(),
  /** Percent of the range's visitors (one decimal). */
  conversion_rate: z.number(),
  /** Percent change of conversions vs the previous period of the same length; null when it had none. */
  change: z.object({ visitors: z.number().nullable(), conversions: z.number().nullable(), conversion_rate: z.number().nullable() }),
});
export type GoalStats = z.infer<typeof GoalStats>;

export const GoalList = z.object({ items: z.array(GoalStats) });
