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

await runCli({ root: fileURLToPath(new URL('..', import.meta.url)) });
