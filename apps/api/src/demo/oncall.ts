import { createChannel } from '../channels/service';
import { serviceContext } from '../context';
import { createPolicy } from '../escalation/service';
import { setChannelDisabledReason, setPolicyOnFirstMonitors } from './queries';
import type { DemoContext } from './seed';

/**
 * On-call demo data (SPEC 11): a Slack, a PagerDuty and an SMS channel, and the escalation policy
 * "Primary on-call" (Slack at once, PagerDuty after 5 minutes, SMS after 15, reminders every 30)
 * on the demo's first two monitors. The channels carry placeholder credentials, so they are
 * created disabled ("add your own …"): the demo never sends to a real provider, and the dashboard
 * shows the forms, the policy editor and its timeline with realistic content.
 */
export async function seedOncall(demo: DemoContext): Promise<void> {
  const ctx = serviceContext({ db: demo.db, redis: demo.redis, jobs: demo.jobs, config: demo.config, userId: demo.userId, team: demo.team });
  const specs = [
    { type: 'slack' as const, name: 'Slack #ops', config: { webhook_url: 'https://hooks.slack.com/services/T00000000/B00000000/demoDEMOdemoDEMOdemo0000' } },
    { type: 'pagerduty' as const, name: 'PagerDuty: API service', config: { routing_key: 'demo0000demo0000demo0000demo0000' } },
    { type: 'sms' as const, name: 'SMS on-call', config: { account_sid: `AC${'0'.repeat(32)}`, auth_token: 'demo0000demo0000demo0000demo0000', from: '+15005550006', to: '+15005550001' } },
  ];
  const ids: number[] = [];
  for (const s of specs) {
    const c = await createChannel(ctx, { ...s, is_default: false, enabled: false });
    await setChannelDisabledReason(demo.db, demo.teamId, c.id, 'demo channel: replace the placeholder credentials with your own, then enable it');
    ids.push(c.id);
  }
  const policy = await createPolicy(ctx, {
    name: 'Primary on-call',
    steps: [
      { delay_seconds: 300, channel_ids: [ids[0]!] },
      { delay_seconds: 600, channel_ids: [ids[1]!] },
      { delay_seconds: 900, channel_ids: [ids[2]!] },
    ],
    repeat: 1,
    remind_every_seconds: 1800,
  });
  await setPolicyOnFirstMonitors(demo.db, demo.teamId, policy.id, 2);
}
