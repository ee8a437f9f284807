/** The ping URL directory over the runtime's table, built once per Lambda container (as runtime.ts builds the store). */
import { dynamoClient } from './adapters/aws-clients.js';
import { DynamoPingDirectory } from './adapters/dynamo/logger/dynamo-ping-directory.js';
import type { PingDirectory } from './ports/ping-directory.js';
import type { Runtime } from './runtime.js';

const directories = new WeakMap<Runtime, PingDirectory>();

/** The directory of `runtime`'s table (one per runtime, so tests and local mode get their own). */
export function pingDirectory(runtime: Runtime): PingDirectory {
  let directory = directories.get(runtime);
  if (!directory) {
    directory = new DynamoPingDirectory(dynamoClient(), runtime.config.tableName);
    directories.set(runtime, directory);
  }
  return directory;
}
