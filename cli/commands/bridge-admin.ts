/**
 * `listener bridge add|list|rotate-token|remove <site>`: the Listener side of a dial-in bridge — its relay
 * token and its own Logger. (`bridge run` and `bridge status` run on the bridge host: bridge/cli.ts.)
 */
import type { Command } from 'commander';
import { siteSchema } from '../../shared/domain/bridge-binding.js';
import { formatLoggerId } from '../../shared/domain/logger.js';
import { removeBridge, rotateBridgeToken } from '../../shared/listener/bridge-admin.js';
import { registerBridge } from '../../shared/listener/register.js';
import { confirm, durationArg } from '../args.js';
import { CliError } from '../errors.js';
import { table, when } from '../format.js';
import { onTarget, type TargetOptions, UsageError, withTarget } from '../target.js';

/** The site argument, checked; a usage error (exit 2) names the rule. */
function siteArg(text: string): string {
  const site = siteSchema.safeParse(text);
  if (!site.success) {
    throw new UsageError(
      `site "${text}" is not a site name (${site.error.issues[0]?.message})`,
      'use 1–56 lower-case letters, digits and -, e.g. acme-dc1',
    );
  }
  return site.data;
}

export function registerBridgeAdmin(bridge: Command): void {
  registerBridgeAdd(bridge);
  registerBridgeList(bridge);
  registerBridgeRotate(bridge);
  registerBridgeRemove(bridge);
}

function registerBridgeAdd(bridge: Command): void {
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
      siteText: string,
      opts: TargetOptions & { timeout: string; interval: string; backupApiUrl?: string; json?: boolean },
    ) => {
      const site = { data: siteArg(siteText) };
      const backupApiUrl = opts.backupApiUrl?.replace(/\/+$/, '');
      if (backupApiUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(backupApiUrl)) {
        throw new UsageError(
          `--backup-api-url "${opts.backupApiUrl}" is not a URL`,
          "give the other Listener's API base URL, e.g. https://xyz.execute-api.us-west-2.amazonaws.com",
        );
      }
      await onTarget(opts, async (target) => {
        const registration = await registerBridge(
          target,
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
  const { cliStages, hasStage, stageSettings } = await import('../stage-settings.js');
  const set = cliStages(opts.stages);
  if (!opts.stage || !hasStage(set, opts.stage) || !stageSettings(set, opts.stage).pair) return undefined;
  const side = opts.listener === 'b' ? 'b' : 'a';
  const { resolveTwinApiUrl } = await import('../stage-target.js');
  try {
    return await resolveTwinApiUrl(opts.stage, side, opts.stages ? { stagesFile: opts.stages } : {});
  } catch (error) {
    const why =
      error instanceof CliError ? error.what : error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `listener: the other side's API URL was not found (${why}) — add "backupApiUrl" to the bridge config by hand, or pass --backup-api-url\n`,
    );
    return undefined;
  }
}

function registerBridgeList(bridge: Command): void {
  withTarget(
    bridge
      .command('list')
      .description('the registered bridges, with the records refused because their Logger is bound elsewhere')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener bridge list --stage prod\n'),
  ).action(async (opts: TargetOptions & { json?: boolean }) => {
    await onTarget(opts, async (target) => {
      const bridges = await target.bridges.listBridges();
      const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
      if (opts.json) {
        const rows = bridges.map((b) => ({
          site: b.site,
          registeredAt: iso(b.registeredAt),
          refused: b.refused ?? 0,
          lastRefusedAt: iso(b.lastRefusedAt),
        }));
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      if (bridges.length === 0) {
        console.log(`No bridges registered on ${target.description}. Add one: listener bridge add <site>`);
        return;
      }
      const now = Date.now();
      const rows = bridges.map((b) => [
        b.site,
        when(b.registeredAt, now),
        String(b.refused ?? 0),
        b.lastRefusedAt === undefined ? '-' : when(b.lastRefusedAt, now),
      ]);
      console.log(table(['SITE', 'REGISTERED', 'REFUSED', 'LAST REFUSED'], rows));
    });
  });
}

function registerBridgeRotate(bridge: Command): void {
  withTarget(
    bridge
      .command('rotate-token <site>')
      .description('give a bridge a new relay token (printed once); the old one stops working at once')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener bridge rotate-token acme-dc1 --stage prod\n'),
  ).action(async (siteText: string, opts: TargetOptions & { json?: boolean }) => {
    const site = siteArg(siteText);
    await onTarget(opts, async (target) => {
      const token = await rotateBridgeToken(target.bridges, site);
      if (opts.json) {
        console.log(JSON.stringify({ site, token }));
        return;
      }
      console.log(`New relay token for bridge ${site} (shown once; the old token no longer works):`);
      console.log(`  ${token}`);
      console.log('Put it in "token" of the bridge config file and restart the bridge.');
    });
  });
}

function registerBridgeRemove(bridge: Command): void {
  withTarget(
    bridge
      .command('remove <site>')
      .description(
        'delete a bridge: its relay token stops working at once, and its own Logger goes (asks first; --yes to skip)',
      )
      .option('--yes', 'do not ask for confirmation (needed without a terminal, e.g. in CI)')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener bridge remove acme-dc1 --stage prod --yes\n'),
  ).action(async (siteText: string, opts: TargetOptions & { json?: boolean; yes?: boolean }) => {
    const site = siteArg(siteText);
    const sure = await confirm(
      `Remove bridge ${site} (its relay token and its Logger bridge-${site}/A)?`,
      opts.yes,
      `pass --yes: listener bridge remove ${site} --yes`,
    );
    if (!sure) {
      console.error('Nothing removed.');
      process.exitCode = 1;
      return;
    }
    await onTarget(opts, async (target) => {
      const removal = await removeBridge(target, site);
      const bound = removal.boundLoggers.map(formatLoggerId);
      if (opts.json) {
        console.log(
          JSON.stringify({
            site,
            removed: true,
            selfLoggerItems: removal.selfLoggerItems,
            boundLoggers: bound,
          }),
        );
        return;
      }
      console.log(
        `Removed bridge ${site}: its relay token no longer works, and its Logger bridge-${site}/A is gone.`,
      );
      if (bound.length === 0) return;
      console.log(
        `${bound.length} modem Logger(s) stay bound to ${site}; their records are refused from every bridge until you bind them to another site (listener logger bind <logger> --bridge <site>) or add a bridge ${site} again:`,
      );
      for (const id of bound) console.log(`  ${id}`);
    });
  });
}
