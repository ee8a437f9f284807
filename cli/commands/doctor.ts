/**
 * `listener doctor [<logger>|--all]`: the reference note's troubleshooting as checks, each finding with a
 * severity and the note's remedy. Exit 1 when any finding is a warning or worse.
 */

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  bridgeSitesOf,
  checkBridgeBinding,
  checkBridges,
  checkChannels,
  checkFleetCounter,
  diagnoseFleet,
  diagnoseLogger,
  FINDING_SEVERITIES,
  type Finding,
  failsCheck,
  isBridgeLogger,
  type ListenerPair,
  type PhoneHomePair,
} from '../../shared/domain/doctor.js';
import { formatLoggerId, twinOf } from '../../shared/domain/logger.js';
import { counted } from '../../shared/domain/words.js';
import { printable } from '../../shared/printable.js';
import { colourWanted, loggerArg, palette } from '../args.js';
import { notRegistered } from '../errors.js';
import { onTarget, type TargetOptions, UsageError, withTarget } from '../target.js';

async function readPairs(path: string): Promise<PhoneHomePair[]> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `--pairs ${path} cannot be read as JSON (${(error as Error).message})`,
      'give a JSON file like [{"phone":"9,19191234567","listener":"GEOCSCLNRA"}]',
    );
  }
  // zod (with its English messages) loads for --pairs alone, not at the CLI's start-up.
  const { z } = await import('zod');
  const pairsFile = z.array(z.strictObject({ phone: z.string().min(3), listener: z.string().min(1) })).min(1);
  const parsed = pairsFile.safeParse(data);
  if (!parsed.success) {
    throw new UsageError(
      `--pairs ${path} is not a list of phone ↔ Listener pairs (${parsed.error.issues[0]?.message})`,
      'write it like [{"phone":"9,19191234567","listener":"GEOCSCLNRA"}]',
    );
  }
  return parsed.data;
}

/** `GEOCSCLNRA,GEOCSCLNRB`: Listener A, then Listener B. */
function readListenerPair(text: string): ListenerPair {
  const names = text.split(',').map((n) => n.trim());
  const valid = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;
  if (names.length !== 2 || !names.every((n) => valid.test(n)) || names[0] === names[1]) {
    throw new UsageError(
      `--listener-pair "${text}" is not two Listener names`,
      'give Listener A then Listener B, e.g. --listener-pair GEOCSCLNRA,GEOCSCLNRB',
    );
  }
  return { a: names[0] as string, b: names[1] as string };
}

export function registerDoctorCommand(program: Command): void {
  withTarget(
    program
      .command('doctor [logger]')
      .description(
        'find why a Logger went silent (or will): interval vs timeout, observed intervals, Phone Home pairing, its twin, the bridge, the Listener itself',
      )
      .option('--all', 'every Logger and the Listener itself (the default without a Logger)')
      .option(
        '--pairs <file>',
        'valid phone ↔ Listener pairs as JSON [{"phone","listener"}] (default: the stage’s phoneHomePairs, or the reference note’s examples)',
      )
      .option(
        '--listener-pair <a,b>',
        'the Listener pair, Listener A and Listener B, for the pairing checks (default: the pair stage’s, or a local Listener’s and its twin’s)',
      )
      .option('--no-color', 'plain text even on a terminal')
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nExit codes: 0 nothing worse than info, 1 a warning or worse, 2 usage.\n\nExamples:\n  listener doctor geocust1/A\n  listener doctor --all --stage prod --json\n',
      ),
  ).action(
    async (
      loggerText: string | undefined,
      opts: TargetOptions & {
        all?: boolean;
        pairs?: string;
        listenerPair?: string;
        json?: boolean;
        color?: boolean;
      },
    ) => {
      if (loggerText !== undefined && opts.all) {
        throw new UsageError(
          'a Logger and --all given together',
          'give one: listener doctor geocust1/A, or listener doctor --all',
        );
      }
      const id = loggerText === undefined ? undefined : loggerArg(loggerText);
      const overridePairs = opts.pairs ? await readPairs(opts.pairs) : undefined;
      const overrideListenerPair = opts.listenerPair ? readListenerPair(opts.listenerPair) : undefined;
      await onTarget(opts, async (target) => {
        const now = Date.now();
        // infra/stages.ts (and the zod it validates with) loads only when it is needed, not at start-up.
        const pairs =
          overridePairs ??
          target.phoneHomePairs ??
          (await import('../../infra/stages.js')).EXAMPLE_PHONE_HOME_PAIRS;
        const listenerPair = overrideListenerPair ?? target.listenerPair;
        let findings: Finding[];
        let checked: string[];
        if (id) {
          const logger = await target.loggers.get(id);
          if (!logger) throw notRegistered(id);
          const twin = isBridgeLogger(logger) ? undefined : await target.loggers.get(twinOf(id));
          findings = diagnoseLogger(logger, twin, pairs, now, listenerPair);
          if (logger.transport === 'modem') {
            const all = await target.loggers.list();
            findings.push(...checkBridges(all, now), ...checkBridgeBinding(logger, bridgeSitesOf(all)));
          }
          checked = [formatLoggerId(id)];
        } else {
          const loggers = await target.loggers.list();
          findings = diagnoseFleet({
            loggers,
            // A side of a pair: its own sweeper's record (the twin's sweeps vouch only for the twin).
            sweeper: await target.records.getSweeperStatus(
              listenerPair ? target.publishing?.listenerName : undefined,
            ),
            sweepEveryMs: target.sweepEveryMs ?? 60_000,
            pairs,
            now,
            ...(listenerPair ? { listenerPair } : {}),
          });
          const listener = target.publishing?.listenerName;
          if (listener) {
            const health = await target.records.getChannelHealth(listener);
            findings.push(...checkChannels(health, now, target.sweepEveryMs ?? 60_000));
          }
          // The whole fleet is read here anyway: the fleet counter can be checked against it for free.
          findings.push(...checkFleetCounter(await target.fleet.counter(), loggers.length));
          checked = ['listener', ...loggers.map(formatLoggerId)];
        }
        findings.sort(
          (a, b) => FINDING_SEVERITIES.indexOf(b.severity) - FINDING_SEVERITIES.indexOf(a.severity),
        );
        const failing = findings.some((f) => failsCheck(f.severity));
        if (opts.json) {
          console.log(JSON.stringify({ ok: !failing, checked, findings }, null, 2));
        } else {
          console.log(renderFindings(findings, checked, target.description, colourWanted(opts)));
        }
        if (failing) process.exitCode = 1;
      });
    },
  );
}

function renderFindings(
  findings: readonly Finding[],
  checked: readonly string[],
  where: string,
  colour: boolean,
): string {
  const c = palette(colour);
  const paint = (f: Finding) =>
    f.severity === 'critical' || f.severity === 'error'
      ? c.red
      : f.severity === 'warning'
        ? c.yellow
        : c.cyan;
  const lines = [
    `Checked ${checked.length === 1 ? checked[0] : `${counted(checked.length - 1, 'Logger')} and the Listener`} on ${where}.`,
  ];
  if (findings.length === 0) {
    lines.push(c.green('No findings: nothing in the reference note’s checklist applies.'));
    return lines.join('\n');
  }
  for (const f of findings) {
    // Findings quote what was recorded (phone numbers, names from an imported file): printable, then painted.
    const text = `${f.severity.toUpperCase()} ${f.subject} [${f.rule}]: ${f.message}`;
    lines.push('', paint(f)(printable(text)));
    for (const step of f.remedy) lines.push(`  - ${step}`);
  }
  const bad = findings.filter((f) => failsCheck(f.severity)).length;
  lines.push('', `${counted(findings.length, 'finding')}, ${bad} warning or worse.`);
  return lines.join('\n');
}
