/**
 * The benchmark's SMTP server, in a process of its own (as a real mail server would be): accepts
 * every message, parses nothing, and prints `count <n>` on stdout every 50 messages and on demand.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const workerRequire = createRequire(new URL('../../apps/worker/package.json', import.meta.url));
const { SMTPServer } = workerRequire('smtp-server') as typeof import('smtp-server');

let count = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 200,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      count += 1;
      if (count % 50 === 0) process.stdout.write(`count ${count}\n`);
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.server.address() as AddressInfo).port}\n`);
});
process.stdin.on('data', () => process.stdout.write(`count ${count}\n`));
process.stdin.on('end', () => server.close(() => process.exit(0)));
