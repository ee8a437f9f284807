/**
 * `listener logger import|export`: the fleet as a CSV file (`customer,side,timeout,interval,transport`).
 * Import checks the whole file before writing anything; export writes what import reads back.
 */

import { closeSync, fchmodSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { formatLoggerId, type LoggerSettings } from '../../shared/domain/logger.js';
import { settingChanges } from '../../shared/domain/settings.js';
import { counted } from '../../shared/domain/words.js';
import {
  applyImport,
  ImportInterruptedError,
  type ImportPlan,
  planImport,
} from '../../shared/listener/fleet-import.js';
import { DEFAULT_INTERVAL_TEXT, importSweepLagWarning } from '../../shared/listener/register.js';
import { wholeNumberFlag } from '../args.js';
import { FailedError } from '../errors.js';
import { progressBar } from '../progress.js';
import { onTarget, type TargetOptions, UsageError, withTarget } from '../target.js';
import { CSV_EXPORT_HEADER, csvLine, type FleetRow, parseFleetCsv } from './fleet-csv.js';
import { targetPingUrl } from './ping-lines.js';

type ImportOpts = TargetOptions & {
  tokensOut?: string;
  dryRun?: boolean;
  concurrency: string;
  json?: boolean;
};

export function registerFleetCommands(logger: Command): void {
  withTarget(
    logger
      .command('import <file>')
      .description(
        'register and update Loggers from a CSV file (customer,side,timeout,interval,transport[,phone,import_system,backup_phone,backup_import_system]); all rows are checked before anything is written',
      )
      .option(
        '--tokens-out <file>',
        'append "customer/side,token,pingUrl" for each new Logger here (mode 0600)',
      )
      .option('--dry-run', 'check the file and list what would change, row by row; write nothing')
      .option('--concurrency <n>', 'writes in flight at once', '16')
      .option('--json', 'print the outcome as JSON')
      .addHelpText(
        'after',
        `\nThe header line is required; an empty interval means the default (${DEFAULT_INTERVAL_TEXT}),\n` +
          'an empty timeout 780m, an empty transport https. The Phone Home columns are optional (modem\n' +
          "Loggers; empty keeps what is recorded). Existing Loggers get the file's settings; their tokens\n" +
          'stay. Running the same import twice changes nothing.\n\n' +
          'Examples:\n  listener logger import fleet.csv --tokens-out tokens.csv\n' +
          '  listener logger export --stage prod > fleet.csv && listener logger import fleet.csv --stage dev --dry-run\n',
      ),
  ).action(async (file: string, opts: ImportOpts) => {
    const concurrency = wholeNumberFlag('--concurrency', opts.concurrency, {
      min: 1,
      max: 64,
      example: 16,
    });
    const parsed = parseFleetCsv(readText(file));
    if (parsed.errors.length > 0) {
      for (const { line, reason } of parsed.errors) console.error(`${file}:${line}: ${reason}`);
      throw new UsageError(
        `${file} has ${counted(parsed.errors.length, 'bad row')} (above); nothing was written`,
        'fix them and run the import again',
      );
    }
    for (const { line, reason } of parsed.warnings) console.error(`warning: ${file}:${line}: ${reason}`);
    await onTarget(opts, async (target) => {
      const timeouts = parsed.rows.map((row) => row.eventTimeoutMs);
      for (const warning of importSweepLagWarning(timeouts, target.sweepEveryMs)) {
        console.error(`warning: ${file}: ${warning}`);
      }
      const plan = await planImport(target.fleet, parsed.rows);
      const summary = (counts: { registered: number; updated: number; unchanged: number }) =>
        opts.json
          ? JSON.stringify({ ...counts, ...(opts.tokensOut ? { tokensFile: opts.tokensOut } : {}) })
          : `${counts.registered} registered${counts.registered > 0 ? ` (tokens in ${opts.tokensOut})` : ''}, ${counts.updated} updated, ${counts.unchanged} unchanged`;
      if (plan.register.length === 0 && plan.update.length === 0) {
        console.log(
          opts.json
            ? summary({ registered: 0, updated: 0, unchanged: plan.unchanged })
            : `Nothing to change: ${plan.unchanged === 1 ? 'the Logger' : `the ${plan.unchanged} Loggers`} in ${file} ${plan.unchanged === 1 ? 'is' : 'are'} registered on ${target.description} with these settings.`,
        );
        return;
      }
      if (opts.dryRun) {
        console.log(dryRunReport(plan, target.description, Boolean(opts.json)));
        return;
      }
      if (plan.register.length > 0 && !opts.tokensOut) {
        throw new UsageError(
          `${counted(plan.register.length, 'new Logger')} would get a token that is shown only once`,
          'pass --tokens-out <file> (written with mode 0600)',
        );
      }
      const tokens = opts.tokensOut ? openTokensFile(opts.tokensOut) : undefined;
      const bar = progressBar('Importing', plan.register.length + plan.update.length);
      try {
        const counts = await applyImport(target.loggers, target.fleet, plan, {
          now: Date.now(),
          concurrency,
          pings: target.pings,
          // Beside its token, each new Logger's ping URL, as `logger add --json` prints it (`pingUrl`).
          onRegistered: (row: FleetRow, token, pingUuid) => {
            const ping = pingUuid === undefined ? '' : targetPingUrl(target.apiUrl, pingUuid);
            if (tokens !== undefined) writeSync(tokens, `${formatLoggerId(row.id)},${token},${ping}\n`);
          },
          onProgress: (done) => bar.update(done),
        });
        bar.finish();
        console.log(
          opts.json ? summary(counts) : `Imported ${file} into ${target.description}: ${summary(counts)}.`,
        );
      } catch (error) {
        bar.finish();
        if (!(error instanceof ImportInterruptedError)) throw error;
        const kept =
          error.written.registered > 0
            ? ` The tokens of the ${counted(error.written.registered, 'new Logger')} are in ${opts.tokensOut}.`
            : '';
        throw new FailedError(
          `${error.message}.${kept} What was written stays`,
          'run the same import again to finish (it skips what is done)',
        );
      } finally {
        if (tokens !== undefined) closeSync(tokens);
      }
    });
  });

  withTarget(
    logger
      .command('export')
      .description(
        'write every Logger as CSV (customer,side,timeout,interval,transport,phone,import_system,backup_phone,backup_import_system), no tokens',
      )
      .option('--out <file>', 'write to this file instead of standard output')
      .addHelpText(
        'after',
        '\nWhat import reads back: export → import round-trips (tokens stay where they are).\n\n' +
          'Examples:\n  listener logger export > fleet.csv\n  listener logger export --stage prod --out prod-fleet.csv\n',
      ),
  ).action(async (opts: TargetOptions & { out?: string }) => {
    await onTarget(opts, async (target) => {
      const fd = opts.out ? openSync(opts.out, 'w') : 1;
      const bar = progressBar(
        'Exporting',
        process.stderr.isTTY ? (await target.fleet.counts(Date.now())).total : 0,
      );
      let written = 0;
      try {
        writeSync(fd, `${CSV_EXPORT_HEADER}\n`);
        for await (const page of target.fleet.pages()) {
          if (page.length > 0) writeSync(fd, `${page.map(csvLine).join('\n')}\n`);
          written += page.length;
          bar.update(written);
        }
      } finally {
        bar.finish();
        if (opts.out) closeSync(fd);
      }
      if (opts.out)
        console.error(`Exported ${counted(written, 'Logger')} from ${target.description} to ${opts.out}.`);
    });
  });
}

/** `listener fleet recount`: the repair for a drifted fleet counter (docs/fleet.md#the-fleet-counter). */
export function registerFleetGroup(program: Command): void {
  const fleet = program
    .command('fleet')
    .description('the fleet as a whole: its counter (bulk import/export: listener logger import|export)');
  withTarget(
    fleet
      .command('recount')
      .description(
        'count the registered Loggers from the fleet index and write the fleet counter (listener status reads it)',
      )
      .option('--json', 'print {"before":…,"after":…}')
      .addHelpText(
        'after',
        '\nThe counter is kept by logger add/remove/import without a transaction, so a crash between a\n' +
          "Logger's write and its count can leave it off by one; listener doctor --all reports that. This\n" +
          'reads the whole fleet index (slow on 100,000 Loggers on DynamoDB Local): run it when the fleet is\n' +
          'quiet. It writes only if no registration or removal landed while it counted (3 tries).\n\n' +
          'Examples:\n  listener fleet recount\n  listener fleet recount --stage prod --json\n',
      ),
  ).action(async (opts: TargetOptions & { json?: boolean }) => {
    await onTarget(opts, async (target) => {
      const recount = await target.fleet.recount();
      if (!recount) {
        throw new FailedError(
          `Loggers were registered or removed on ${target.description} while the fleet was counted (3 times); the counter is unchanged`,
          'run listener fleet recount again when the fleet is quieter',
        );
      }
      const { before, after } = recount;
      if (opts.json) {
        console.log(JSON.stringify({ before: before ?? null, after }));
        return;
      }
      const was =
        before === undefined ? 'there was none' : before === after ? 'it was right' : `it said ${before}`;
      console.log(`Fleet counter on ${target.description}: ${counted(after, 'Logger')} registered (${was}).`);
    });
  });
}

/**
 * What an import would do, row by row: `acme/B timeout 3m → 10m`, `acme/C new: timeout 13h, …`. With --json
 * the counts stay as they were and `changes` lists the rows.
 */
function dryRunReport(plan: ImportPlan<FleetRow>, where: string, json: boolean): string {
  const registered = plan.register.map((row) => ({
    logger: formatLoggerId(row.id),
    action: 'register' as const,
    changes: settingChanges(NO_SETTINGS, row).map(({ setting, to }) => ({ setting, from: null, to })),
  }));
  const updated = plan.update.map(({ row, before }) => ({
    logger: formatLoggerId(row.id),
    action: 'update' as const,
    changes: settingChanges(before, { ...before, ...row, phoneHome: row.phoneHome ?? before.phoneHome }),
  }));
  const rows = [...registered, ...updated];
  if (json) {
    return JSON.stringify({
      dryRun: true,
      register: plan.register.length,
      update: plan.update.length,
      unchanged: plan.unchanged,
      changes: rows,
    });
  }
  const lines = rows.map((r) =>
    r.action === 'register'
      ? `  ${r.logger} new: ${r.changes.map((c) => `${c.setting} ${c.to}`).join(', ')}`
      : `  ${r.logger} ${r.changes.map((c) => `${c.setting} ${c.from} → ${c.to}`).join(', ')}`,
  );
  return [
    `Dry run on ${where}: would register ${plan.register.length}, update ${plan.update.length}, leave ${plan.unchanged} unchanged. Nothing was written.`,
    ...lines,
  ].join('\n');
}

/** Nothing registered yet: a new row's settings as changes from this (https, the default, goes unsaid). */
const NO_SETTINGS: LoggerSettings = { eventTimeoutMs: 0, heartbeatIntervalMs: 0, transport: 'https' };

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'check the path and that the file is readable',
    );
  }
}

/** Opens the tokens file for appending, readable by its owner only; a new file starts with a header. */
function openTokensFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (error) {
    throw new UsageError(
      `cannot open --tokens-out ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'choose a file in a writable directory',
    );
  }
  fchmodSync(fd, 0o600);
  if (fstatSync(fd).size === 0) writeSync(fd, 'logger,token,pingUrl\n');
  return fd;
}
