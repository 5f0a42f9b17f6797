import { addressHash, newNonce } from '@sentrypulse/db';
import { insertSubscribers, statusPageBySlug, statusPageComponents } from './queries';
import type { DemoContext } from './seed';
import { DEMO_STATUS_SLUG } from './status-page';

/**
 * Demo subscribers of the demo status page (after seedStatusPage): confirmed and pending email
 * subscribers, one for the database only. Inserted as the subscribe verb leaves confirmed rows,
 * without queueing confirmation emails (the addresses are example.com ones).
 */
export async function seedSubscribers(ctx: DemoContext): Promise<void> {
  const page = await statusPageBySlug(ctx.db, ctx.teamId, DEMO_STATUS_SLUG);
  if (!page) return;
  const components = await statusPageComponents(ctx.db, page.id);
  const database = components.find((c) => c.display_name === 'Database');
  const key = ctx.config.encryptionKey;
  const rows = [
    { address: 'ops-lead@example.com', status: 'active' as const, component_ids: null },
    { address: 'customer.success@example.com', status: 'active' as const, component_ids: null },
    { address: 'dba@example.com', status: 'active' as const, component_ids: database ? [database.id] : null },
    { address: 'new.reader@example.com', status: 'pending' as const, component_ids: null },
  ];
  await insertSubscribers(
    ctx.db,
    rows.map((r, i) => ({
        team_id: ctx.teamId,
        status_page_id: page.id,
        type: 'email' as const,
        status: r.status,
        address: r.address,
        address_hash: addressHash(key, 'email', r.address),
        component_ids: r.component_ids ? JSON.stringify(r.component_ids) : null,
        token_nonce: newNonce(),
        confirmed_at: r.status === 'active' ? new Date(ctx.now - (i + 1) * 86_400_000) : null,
        created_at: new Date(ctx.now - (i + 2) * 86_400_000),
      })),
  );
}
