// The api's `@sentrypulse/api/testing` entry (ADR 0103): the test app, user/team factories and
// analytics fixtures, for other units' tests and benches.
import type { Db } from '@sentrypulse/db';
import { serviceContext, type ContextSource } from '../src/context';
import { sparklines as monitorSparklines } from '../src/monitors/service';
export * from './analytics';
export * from './helpers';
// The status page's XSS checks (web's status-render test) feed it the api's real markdown output.
export { renderSafeMarkdown } from '../src/public/markdown';
export { assertNoInjectedMarkup } from '../src/public/test-support';
// Benches build the app themselves and sign their own tokens.
export { signAccessToken } from '../src/auth/tokens';
export { insertIncident, insertMaintenance, insertMonitor, insertRollups } from '../src/public/fixtures';
// The dashboard's accessibility test (web's a11y.test.ts) runs over the demo data.
export { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from '../src/demo/seed';
export { demoSeeders } from '../src/demo/seeders';

/**
 * bench:sparklines times the sparklines verb on a database of its own: the verb reads only `db`
 * and the team scope, so the rest of the context is left out.
 */
export function sparklines(db: Db, teamId: number, ids: number[]) {
  const ctx = serviceContext({ db, team: { id: teamId, role: 'owner', plan: 'business', ownerId: 0 } } as ContextSource);
  return monitorSparklines(ctx, ids);
}
export { startOidcProvider, type TestOidcProvider } from './oidc-provider';
