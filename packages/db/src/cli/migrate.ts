import { loadConfigOrExit } from '@sentrypulse/shared/config';
import { migrateUrl } from '../migrate';

const config = loadConfigOrExit();
try {
  const applied = await migrateUrl(config.databaseUrl);
  console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
} catch (err) {
  // Unlike many templates, a failed migration must fail the deploy.
  console.error('migration failed:', err instanceof Error ? err.message : err);
  process.exit(1);
}
