// The worker's `@sentrypulse/worker/testing` entry (ADR 0103): what other units' tests and
// benches need to run worker code in-process, so none of them reaches into apps/worker/src.
export { IngestDrainer } from '../src/analytics/drain';
export { closeWorkerContext, createWorkerContext, type WorkerContext } from '../src/context';
export type { RunningModule, WorkerModule } from '../src/module';
export { modules } from '../src/modules';
export { rollupDays } from '../src/monitoring/housekeeping';
export { monitoringModule } from '../src/monitoring/module';
export { notifyModule } from '../src/notify/module';
export { startFakeTelegram, startSmtp, startWebhookReceiver, type FakeServer, type FakeSmtp, type WebhookReceiver } from '../src/notify/testing';
// Benches drive the real engine and webhook provider against their own database.
export { producerFor } from '../src/jobs';
export { createCheckEngine } from '../src/monitoring/engine';
export { createTeam, insertMonitor } from '../src/monitoring/test-support';
export type { AlertContent } from '../src/notify/message';
export { webhookProvider } from '../src/notify/providers/webhook';
export { eventProducer, insertChannel, insertIncidentEvent, newWebhookSecret, routeMonitor, TEST_ENCRYPTION_KEY } from './notify-support';
// On-call provider fakes (SPEC 11) for the api's channel and escalation tests.
export { bodyOf, startProviderFake, type OncallKind } from './oncall-fakes';
export { slackProvider } from '../src/notify/providers/slack';
// Status-page subscribers (ADR 0132): the module, its senders, and local peers for its tests.
export { subscribersModule } from '../src/subscribers/module';
export { startSubscriberReceiver, type SubscriberReceiver } from '../src/subscribers/testing';
export { createSenders } from '../src/subscribers/senders';
export { noticeEmail } from '../src/subscribers/messages';
export { startDnsServer, type DnsZone, type TestDnsServer } from '../src/checks/testing';
export { maintenanceNotices } from '../src/subscribers/notices';
