import { createDb } from '@sentrypulse/db';
import { loadConfigOrExit } from '@sentrypulse/shared/config';
import { Redis } from 'ioredis';
import { DEMO_EMAIL, seedDemo } from '../demo/seed';
import { demoSeeders } from '../demo/seeders';

const config = loadConfigOrExit();
const db = createDb(config.databaseUrl, { connectionLimit: 4 });
// Monitors are scheduled in Redis and status pages cached there, like through the API.
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 5_000, lazyConnect: true });
const started = Date.now();
try {
  await redis.connect();
  const { created, timings } = await seedDemo(db, config, demoSeeders, { redis });
  const parts = timings.map(([name, ms]) => `${name.replace(/^seed/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ${(ms / 1000).toFixed(1)} s`).join(', ');
  console.log(created ? `seeded demo data (${DEMO_EMAIL}) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${parts}` : 'demo data already present');
} catch (err) {
  console.error('seeding failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  redis.disconnect();
  await db.destroy();
}
