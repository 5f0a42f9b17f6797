import { createDb } from '@sentrypulse/db';
import { loadConfigOrExit } from '@sentrypulse/shared/config';
import { DEMO_EMAIL, seedDemo } from '../demo/seed';
import { demoSeeders } from '../demo/seeders';

const config = loadConfigOrExit();
const db = createDb(config.databaseUrl, { connectionLimit: 2 });
try {
  const { created } = await seedDemo(db, config, demoSeeders);
  console.log(created ? `seeded demo data (${DEMO_EMAIL})` : 'demo data already present');
} catch (err) {
  console.error('seeding failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
