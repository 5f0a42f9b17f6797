import { z } from 'zod';
import { Id, IsoDateTime } from './common';
import { CheckStatus } from './monitors';

/** Sparklines of the monitors list: the last checks of many monitors in one request (ADR 0084). */

export const MAX_SPARKLINE_IDS = 100;
export const SPARKLINE_CHECKS = 30;
const MAX_ID = 2 ** 31 - 1;

/** `?ids=1,2,3`: 1 to 100 monitor ids, comma-separated; repeats count once. */
export const SparklinesQuery = z.strictObject({
  ids: z
    .string({ error: 'must be a comma-separated list of monitor ids' })
    .max(1200, `must have at most ${MAX_SPARKLINE_IDS} ids`)
    .transform((s, ctx) => {
      const parts = s.split(',');
      if (s === '' || !parts.every((p) => /^[1-9]\d{0,9}$/.test(p) && Number(p) <= MAX_ID)) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of monitor ids, such as 1,2,3' });
        return z.NEVER;
      }
      const ids = [...new Set(parts.map(Number))];
      if (ids.length > MAX_SPARKLINE_IDS) {
        ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_SPARKLINE_IDS} ids` });
        return z.NEVER;
      }
      return ids;
    }),
});
export type SparklinesQuery = z.infer<typeof SparklinesQuery>;

export const SparklinePoint = z.object({
  status: CheckStatus,
  /** null when the check failed before a response (down). */
  response_time_ms: z.number().nullable(),
  checked_at: IsoDateTime,
});
export type SparklinePoint = z.infer<typeof SparklinePoint>;

/**
 * One entry per requested monitor of the team (ids of other teams or of no monitor are simply
 * absent); `checks` are its last 30 checks, oldest first (empty when it has none yet).
 */
export const Sparklines = z.object({
  items: z.array(z.object({ monitor_id: Id, checks: z.array(SparklinePoint) })),
});
export type Sparklines = z.infer<typeof Sparklines>;
