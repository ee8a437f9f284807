/**
 * `listener bridge add <site>`: the Listener side of a dial-in bridge — its relay token and its own
 * Logger. (`bridge run` and `bridge status` run on the bridge host: bridge/cli.ts.)
 */
import type { Command } from 'commander';
import { z } from 'zod/mini';
import { customerSchema } from '../../shared/domain/logger.js';
import { registerBridge } from '../../shared/listener/register.js';
import { durationArg } from '../args.js';
import { CliError } from '../errors.js';
import { onTarget, type TargetOptions, UsageError, withTarget } from '../target.js';

// zod/mini, as the domain's schemas: the CLI's start-up loads one zod, not both.
const siteSchema = z.pipe(
  customerSchema,
  z.string().check(z.maxLength(56, 'a site name is at most 56 characters')),
);

export function registerBridgeAdmin(bridge: Command): void {
  withTarget(
    bridge
      .command('add <site>')
      .description(
        "register a dial-in bridge: prints its relay token and its own Logger's token (shown once)",
      )
      .option('--timeout <duration>', "alarm when the bridge's own heartbeat is silent this long", '30m')
      .option('--interval <duration>', "the bridge's self-heartbeat period", '10m')
      .option(
        '--backup-api-url <url>',
        "a Listener pair: the other Listener's API URL, the bridge's backup (written into the printed config; a pair stage's is found from its stack)",
      )
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nExamples:\n  listener bridge add acme-dc1 --stage prod\n  listener bridge add acme-dc1 --stage prod-pair --listener a --backup-api-url https://<Listener b API>\n',
      ),
  ).action(
    async (
      siteArg: string,
      opts: TargetOptions & { timeout: string; interval: string; backupApiUrl?: string; json?: boolean },
    ) => {
      const site = siteSchema.safeParse(siteArg);
      if (!site.success) {
        throw new UsageError(
          `site "${siteArg}" is not a site name (${site.error.issues[0]?.message})`,
          'use 1–56 lower-case letters, digits and -, e.g. acme-dc1',
        );
      }
      const backupApiUrl = opts.backupApiUrl?.replace(/\/+$/, '');
      if (backupApiUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(backupApiUrl)) {
        throw new UsageError(
          `--backup-api-url "${opts.backupApiUrl}" is not a URL`,
          "give the other Listener's API base URL, e.g. https://xyz.execute-api.us-west-2.amazonaws.com",
        );
      }
      await onTarget(opts, async (target) => {
        const registration = await registerBridge(
          target.store,
          {
            site: site.data,
            eventTimeoutMs: durationArg('--timeout', opts.timeout),
            heartbeatIntervalMs: durationArg('--interval', opts.interval),
          },
          Date.now(),
        );
        const backup = backupApiUrl ?? (await pairBackup(opts));
        const config = {
          site: site.data,
          apiUrl: target.apiUrl ?? '<api-url>',
          ...(backup ? { backupApiUrl: backup } : {}),
          token: registration.relayToken,
          selfHeartbeat: { every: opts.interval, token: registration.self.token },
        };
        if (opts.json) {
          console.log(JSON.stringify({ ...config, selfLogger: `bridge-${site.data}/A` }));
          return;
        }
        console.log(
          `Registered bridge ${site.data} on ${target.description}, and its own Logger bridge-${site.data}/A.`,
        );
        console.log(
          'Tokens are shown once (only their hashes are kept). Put them in the bridge config file:',
        );
        console.log(JSON.stringify(config, null, 2));
      });
    },
  );
}

/**
 * A pair stage's bridge fails over to the other side: its API URL from that side's stack. Not deployed
 * (yet) or unreachable: the bridge is still registered, and the operator is told what to add by hand.
 */
async function pairBackup(opts: TargetOptions): Promise<string | undefined> {
  const { STAGES } = await import('../../infra/stages.js');
  if (!opts.stage || !STAGES[opts.stage]?.pair) return undefined;
  const side = opts.side === 'b' ? 'b' : 'a';
  const { resolveTwinApiUrl } = await import('../stage-target.js');
  try {
    return await resolveTwinApiUrl(opts.stage, side);
  } catch (error) {
    const why =
      error instanceof CliError ? error.what : error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `listener: the other side's API URL was not found (${why}) — add "backupApiUrl" to the bridge config by hand, or pass --backup-api-url\n`,
    );
    return undefined;
  }
}
