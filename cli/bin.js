#!/usr/bin/env node
// `npx listener …` and `npm start`: runs the TypeScript CLI from a cached esbuild bundle that is rebuilt
// whenever a source changed, or through tsx if it cannot be built — no build step to remember
// (cli/launch/bundle-cache.js, docs/cli-startup.md).
import { fileURLToPath } from 'node:url';
import { runCli } from './launch/bundle-cache.js';

// The AWS SDK warns on every start under Node 20 that its 2027 releases will need Node 22; that is for
// whoever upgrades dependencies (see package.json engines), not for someone running the CLI.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (
    String(text).includes('AWS SDK for JavaScript') ||
    rest.some((r) => r === 'NodeVersionSupportWarning' || r?.type === 'NodeVersionSupportWarning')
  )
    return;
  emitWarning(warning, ...rest);
};

// `listener … | head -1`: a reader that stops reading early is how pipelines work, not a failure. Writing
// to the closed pipe fails with EPIPE, which would crash with a stack trace and exit 1; instead the command
// ends quietly with 0, as Unix tools do. A command that stops cleanly on SIGTERM (`listener local`, the
// bridge) is asked to stop as Ctrl-C would (so DynamoDB Local and its files are cleaned up); the others
// end at once, having nothing left to say. Later write errors on the closed stream are the same pipe's.
let pipeClosed = false;
const endOnClosedPipe = (error) => {
  if (error?.code !== 'EPIPE' && !pipeClosed) throw error;
  if (pipeClosed) return;
  pipeClosed = true;
  process.exitCode = 0;
  if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
  else process.exit(0);
};
process.stdout.on('error', endOnClosedPipe);
process.stderr.on('error', endOnClosedPipe);

await runCli({ root: fileURLToPath(new URL('..', import.meta.url)) });
