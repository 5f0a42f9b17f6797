// The api's `@sentrypulse/api/testing` entry (ADR 0103): the test app, user/team factories and
// analytics fixtures, for other units' tests and benches.
export * from './analytics';
export * from './helpers';
// The status page's XSS checks (web's status-render test) feed it the api's real markdown output.
export { renderSafeMarkdown } from '../src/public/markdown';
export { assertNoInjectedMarkup } from '../src/public/test-support';
// Benches build the app themselves and sign their own tokens.
export { signAccessToken } from '../src/auth/tokens';
export { sparklines } from '../src/monitors/sparklines';
export { insertIncident, insertMaintenance, insertMonitor, insertRollups } from '../src/public/fixtures';
export { startOidcProvider, type TestOidcProvider } from './oidc-provider';
