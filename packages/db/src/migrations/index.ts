import type { Migration } from 'kysely';
import * as accounts from './2026_11_29_0001_accounts';
import * as monitoring from './2026_11_29_0002_monitoring';
import * as alerts from './2026_11_29_0003_alerts';
import * as analytics from './2026_11_29_0004_analytics';
import * as statusPages from './2026_11_29_0005_status_pages';
import * as performanceIncidents from './2026_11_29_0006_performance_incidents';
import * as installation from './2026_11_29_0007_installation';
import * as accountSecurity from './2026_12_07_0010_account_security';
import * as teamSso from './2026_12_07_0011_team_sso';
import * as oncall from './2026_12_07_0020_oncall';
import * as statusPageSubscribers from './2026_12_07_0030_status_page_subscribers';
import * as maintenanceSeries from './2026_12_07_0031_maintenance_series';
import * as monitorBadges from './2026_12_07_0032_monitor_badges';
import * as customDomainClaims from './2026_12_07_0033_custom_domain_claims';
import * as apiTokens from './2026_12_07_0060_api_tokens';
import * as goals from './2026_12_07_0070_goals';

/**
 * Every migration, in order. A static list (rather than reading the folder at run time) works the
 * same under tsx, vitest and bundlers. Never edit a migration that has landed: add a new one.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_29_0001_accounts': accounts,
  '2026_11_29_0002_monitoring': monitoring,
  '2026_11_29_0003_alerts': alerts,
  '2026_11_29_0004_analytics': analytics,
  '2026_11_29_0005_status_pages': statusPages,
  '2026_11_29_0006_performance_incidents': performanceIncidents,
  '2026_11_29_0007_installation': installation,
  '2026_12_07_0010_account_security': accountSecurity,
  '2026_12_07_0011_team_sso': teamSso,
  '2026_12_07_0020_oncall': oncall,
  '2026_12_07_0030_status_page_subscribers': statusPageSubscribers,
  '2026_12_07_0031_maintenance_series': maintenanceSeries,
  '2026_12_07_0032_monitor_badges': monitorBadges,
  '2026_12_07_0033_custom_domain_claims': customDomainClaims,
  '2026_12_07_0060_api_tokens': apiTokens,
  '2026_12_07_0070_goals': goals,
};
