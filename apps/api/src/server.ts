import { loadConfigOrExit } from '@sentrypulse/shared/config';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';

const config = loadConfigOrExit();
const app = await buildApp(config);

// On SIGTERM: stop accepting (new requests get 503 via return503OnClosing), let in-flight
// requests finish, run every onClose hook (flush buffers, close pools), then exit.
closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
});

try {
  await app.listen({ host: config.apiHost, port: config.apiPort });
} catch (err) {
  app.log.error({ err }, 'could not start');
  process.exit(1);
}
