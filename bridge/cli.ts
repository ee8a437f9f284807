/**
 * `listener bridge run --config <file>` and `listener bridge status --config <file>`.
 * The lead wires {@link registerBridgeCommands} into the `listener` CLI (cli/main.ts). The bridge itself
 * (serialport, zod) loads when a command runs, not when the CLI starts (cli/launch/bundle-cache.js).
 */
import type { Command } from 'commander';
import { printable } from '../shared/printable.js';
import type { BridgeConfig, BridgeConfigOverrides } from './config.js';

export function registerBridgeCommands(program: Command): Command {
  const bridge = program
    .command('bridge')
    .description(
      'on-prem dial-in bridge: answers Logger modems, watches an import directory, relays to the Listener',
    );

  bridge
    .command('run')
    .description('run the bridge in the foreground (as a systemd unit or Windows service)')
    .requiredOption('-c, --config <file>', 'bridge configuration file (JSON)')
    .option('--api-url <url>', "the (primary) Listener's API base URL, over the file's apiUrl")
    .option(
      '--backup-api-url <url>',
      "a pair's other Listener, relayed to while the primary does not answer, over the file's backupApiUrl",
    )
    .addHelpText(
      'after',
      '\nExample (a Listener pair):\n  listener bridge run --config bridge.json --api-url https://a.example --backup-api-url https://b.example\n',
    )
    .action(async (options: { config: string; apiUrl?: string; backupApiUrl?: string }) => {
      const config = await loadOrExit(options.config, {
        ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
        ...(options.backupApiUrl ? { backupApiUrl: options.backupApiUrl } : {}),
      });
      if (!config) return;
      const { startBridge } = await import('./bridge.js');
      const handle = await startBridge(config);
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`received ${signal}, stopping the bridge\n`);
        void handle.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      // Keep running until a signal arrives: ports, timers and the drain loop hold the event loop open.
      await new Promise<never>(() => undefined);
    });

  bridge
    .command('status')
    .description(
      "print the bridge's last status (ports, calls, records, spool, relay); exit 1 if missing or stale",
    )
    .requiredOption('-c, --config <file>', 'bridge configuration file (JSON)')
    .option('--json', 'print the raw status JSON')
    .action(async (options: { config: string; json?: boolean }) => {
      const config = await loadOrExit(options.config);
      if (!config) return;
      const { formatStatus, isStale, readStatus } = await import('./status/status.js');
      const status = await readStatus(config.stateDir);
      if (!status) {
        process.stderr.write(
          `listener: no bridge status in ${config.stateDir} — start the bridge with: npx listener bridge run --config ${options.config}\n`,
        );
        process.exitCode = 1;
        return;
      }
      const now = Date.now();
      process.stdout.write(
        options.json
          ? `${JSON.stringify(status, null, 2)}\n`
          : `${formatStatus(status, now)
              .map((line) => printable(line))
              .join('\n')}\n`,
      );
      if (isStale(status, now)) process.exitCode = 1;
    });

  return bridge;
}

async function loadOrExit(
  file: string,
  overrides: BridgeConfigOverrides = {},
): Promise<BridgeConfig | undefined> {
  const { BridgeConfigError, loadBridgeConfig } = await import('./config.js');
  try {
    return await loadBridgeConfig(file, overrides);
  } catch (error) {
    if (!(error instanceof BridgeConfigError)) throw error;
    process.stderr.write(
      `listener: ${error.message} — fix ${file} (see docs/bridge.md, Configuration file)\n`,
    );
    process.exitCode = 2;
    return undefined;
  }
}
