/**
 * Stand-alone entry of the bridge (`node --import tsx bridge/bin.ts bridge run --config <file>`), the same
 * commands as `listener bridge …`. Used by the tests that kill the bridge process, and where the full
 * `listener` CLI is not installed.
 */
import { Command } from 'commander';
import { registerBridgeCommands } from './cli.js';

const program = new Command('phone-home-bridge');
registerBridgeCommands(program);
await program.parseAsync(process.argv);
