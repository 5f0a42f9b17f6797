import { z } from 'zod';
import { Id, IdParam, IsoDateTime, paginated } from './common';

/**
 * Escalation policies (SPEC 11, 17; ADR 0123). Steps run in order: step 1 notifies when the
 * incident opens; each step's `delay_seconds` is how long the incident may stay unacknowledged
 * after that step before the next step notifies (PagerDuty's "escalates after"). After the last
 * step and its delay the policy starts again `repeat` times (0..5). `remind_every_seconds` sends
 * "still down" to every channel notified so far until the incident is acknowledged or resolved.
 */

export const MAX_ESCALATION_STEPS = 10;
export const MAX_ESCALATION_DELAY_SECONDS = 86_400;
export const MAX_ESCALATION_REPEAT = 5;
export const MIN_REMINDER_SECONDS = 60;

export const EscalationStep = z.strictObject({
  delay_seconds: z.number().int().min(0, 'must be at least 0').max(MAX_ESCALATION_DELAY_SECONDS, 'must be at most 86400 (24 h)'),
  channel_ids: z.array(Id).min(1, 'must name at least one channel').max(20, 'must name at most 20 channels'),
});
export type EscalationStep = z.infer<typeof EscalationStep>;

const PolicyName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const Steps = z.array(EscalationStep).min(1, 'must have at least one step').max(MAX_ESCALATION_STEPS, `must have at most ${MAX_ESCALATION_STEPS} steps`);
const Repeat = z.number().int().min(0, 'must be 0..5').max(MAX_ESCALATION_REPEAT, `must be 0..${MAX_ESCALATION_REPEAT} (a longer loop of repeats is refused)`);
const Remind = z
  .number()
  .int()
  .min(MIN_REMINDER_SECONDS, `must be at least ${MIN_REMINDER_SECONDS}`)
  .max(MAX_ESCALATION_DELAY_SECONDS, 'must be at most 86400 (24 h)')
  .nullable();

export const CreateEscalationPolicyBody = z
  .strictObject({ name: PolicyName, steps: Steps, repeat: Repeat.optional(), remind_every_seconds: Remind.optional(), is_default: z.boolean().optional() })
  .superRefine((b, ctx) => {
    if ((b.repeat ?? 0) > 0 && b.steps.reduce((s, x) => s + x.delay_seconds, 0) === 0) {
      ctx.addIssue({ code: 'custom', path: ['repeat'], message: 'a repeating policy needs at least one step with a delay (it would loop at once)' });
    }
  });
export type CreateEscalationPolicyBody = z.infer<typeof CreateEscalationPolicyBody>;

export const UpdateEscalationPolicyBody = z.strictObject({
  name: PolicyName.optional(),
  steps: Steps.optional(),
  repeat: Repeat.optional(),
  remind_every_seconds: Remind.optional(),
  is_default: z.boolean().optional(),
});
export type UpdateEscalationPolicyBody = z.infer<typeof UpdateEscalationPolicyBody>;

export const EscalationPolicyParams = z.strictObject({ teamId: IdParam, policyId: IdParam });

export const EscalationPolicy = z.object({
  id: Id,
  name: z.string(),
  steps: z.array(z.object({ delay_seconds: z.number().int(), channel_ids: z.array(Id) })),
  repeat: z.number().int(),
  remind_every_seconds: z.number().int().nullable(),
  is_default: z.boolean(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type EscalationPolicy = z.infer<typeof EscalationPolicy>;
export const EscalationPolicyList = paginated(EscalationPolicy);

/** Where an incident's escalation stands (the incident page shows it). */
export const IncidentEscalation = z.object({
  incident_id: Id,
  policy_id: Id.nullable(),
  policy: z.object({ steps: z.array(z.object({ delay_seconds: z.number().int(), channel_ids: z.array(Id) })), repeat: z.number().int(), remind_every_seconds: z.number().int().nullable() }),
  started_at: IsoDateTime,
  last_round: z.number().int(),
  last_step: z.number().int(),
  next_at: IsoDateTime.nullable(),
  reminders_sent: z.number().int(),
  stopped_at: IsoDateTime.nullable(),
  stopped_reason: z.enum(['acknowledged', 'resolved', 'exhausted']).nullable(),
});
export type IncidentEscalation = z.infer<typeof IncidentEscalation>;

export interface EscalationPlan {
  steps: Array<{ delay_seconds: number; channel_ids: number[] }>;
  repeat: number;
}

/** Seconds after the opening at which (round, step) notifies. */
export function stepOffsetSeconds(plan: EscalationPlan, round: number, step: number): number {
  const cycle = plan.steps.reduce((s, x) => s + x.delay_seconds, 0);
  let offset = round * cycle;
  for (let i = 0; i < step; i++) offset += plan.steps[i]!.delay_seconds;
  return offset;
}

/** The step after (round, step), or null when the policy (with its repeats) is exhausted. */
export function nextEscalationStep(plan: EscalationPlan, round: number, step: number): { round: number; step: number; offsetSeconds: number } | null {
  if (step + 1 < plan.steps.length) return { round, step: step + 1, offsetSeconds: stepOffsetSeconds(plan, round, step + 1) };
  if (round < plan.repeat) return { round: round + 1, step: 0, offsetSeconds: stepOffsetSeconds(plan, round + 1, 0) };
  return null;
}

/**
 * The timeline a policy promises, for the editor's preview: "0 min: Slack #ops; 5 min: PagerDuty;
 * 15 min: SMS on-call" (names from `channelName`), repeats included.
 */
export function escalationTimeline(plan: EscalationPlan, channelName: (id: number) => string): Array<{ at_seconds: number; round: number; step: number; channels: string[] }> {
  const out: Array<{ at_seconds: number; round: number; step: number; channels: string[] }> = [];
  for (let round = 0; round <= plan.repeat; round++) {
    plan.steps.forEach((s, step) => out.push({ at_seconds: stepOffsetSeconds(plan, round, step), round, step, channels: s.channel_ids.map(channelName) }));
  }
  return out;
}

export function formatOffset(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
