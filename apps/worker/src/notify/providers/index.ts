import type { ChannelType } from '@sentrypulse/shared';
import { emailProvider } from './email';
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
  };
}
