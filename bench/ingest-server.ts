/**
 * The Listener's local HTTP stack in its own process, as `listener local` runs it, for the ingest bench
 * (bench/scale.ts): the bench's load generator then does not share this process's event loop. Started with
 * `fork`; argv: DynamoDB Local endpoint, table. Sends `{ port }` when listening; answers `'count'` with the
 * DynamoDB requests its handler sent and the CPU time (µs, user + system) this process used since the last
 * `'count'`: CPU per heartbeat depends far less on the machine's load than heartbeats per second do.
 */
import { freePort, localClient } from '../cli/local/dynamo-local.js';
import { startLocalServer } from '../cli/local/server.js';
import { benchRuntime } from './bench-runtime.js';

const [endpoint = '', table = ''] = process.argv.slice(2);
// As local mode runs the handlers (cli/local/mode.ts): warnings only, no EMF metrics. Set before the import.
Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' });
// The CLI's limits (ADMIN_LIMITS), not the request path's 2.5 s deadline local mode's runtime has: on a machine
// at load 18 DynamoDB Local stalls past it (a run of 28 Nov 04:03 died so); the raw baseline in bench/scale.ts
// uses the same, and limits change nothing in what a successful call costs.
const client = localClient(endpoint);
let requests = 0;
let cpu = process.cpuUsage();
client.middlewareStack.add(
  (next) => async (input) => {
    requests++;
    return next(input);
  },
  { step: 'initialize', name: 'benchRequestCounter' },
);
const runtime = benchRuntime(client, table);
const { createHandler } = await import('../functions/heartbeat/handler.js');
const port = await freePort();
const server = await startLocalServer({ heartbeat: createHandler(() => runtime) as never }, port);
process.on('message', (message) => {
  if (message === 'count') {
    const used = process.cpuUsage(cpu);
    process.send?.({ count: { requests, cpuMicros: used.user + used.system } });
    requests = 0;
    cpu = process.cpuUsage();
  }
  if (message === 'stop') {
    server.close();
    client.destroy();
    process.disconnect();
  }
});
process.send?.({ port });
