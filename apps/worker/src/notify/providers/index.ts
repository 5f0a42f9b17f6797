import type { ChannelType } from '@sentrypulse/shared';
import { discordProvider } from './discord';
import { emailProvider } from './email';
import { ntfyProvider } from './ntfy';
import { opsgenieProvider } from './opsgenie';
import { pagerdutyProvider } from './pagerduty';
import { pushoverProvider } from './pushover';
import { slackProvider } from './slack';
import { smsProvider } from './sms';
import { teamsProvider } from './teams';
import { telegramProvider } from './telegram';
import type { Provider, ProviderSettings } from './types';
import { webhookProvider } from './webhook';
import { whatsappProvider } from './whatsapp';

export type { ChannelForDelivery, Delivery, DeliveryOutcome, Provider, ProviderSettings } from './types';

/** One provider per channel type, built once per worker process. */
export function createProviders(settings: ProviderSettings): Record<ChannelType, Provider> {
  return {
    email: emailProvider(settings),
    telegram: telegramProvider(settings),
    whatsapp: whatsappProvider(settings),
    webhook: webhookProvider(settings),
    slack: slackProvider(settings),
    discord: discordProvider(settings),
    teams: teamsProvider(settings),
    pagerduty: pagerdutyProvider(settings),
    opsgenie: opsgenieProvider(settings),
    ntfy: ntfyProvider(settings),
    pushover: pushoverProvider(settings),
    sms: smsProvider(settings),
  };
}
