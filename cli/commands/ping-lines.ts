/**
 * What `listener logger add|show|rotate-token` say about a Logger's ping URL (shared/domain/pings/ping.ts). The
 * URL is a secret shown once, like the token: `show` says whether the Logger has one, and what its pings
 * last said (a start not yet closed, a reported failure, the latest log).
 */

import { formatDuration } from '../../shared/domain/duration.js';
import { formatLoggerId } from '../../shared/domain/logger.js';
import { pingUrl } from '../../shared/domain/pings/ping.js';
import { runningSince } from '../../shared/domain/pings/runs.js';
import type { PingedLogger } from '../../shared/ports/ping-directory.js';
import { iso } from '../args.js';
import { when } from '../format.js';

/** The ping URL of `uuid` on the target (`/ping/<uuid>` alone when the target's URL is unknown: a bare --table). */
export function targetPingUrl(apiUrl: string | undefined, uuid: string): string {
  return pingUrl(apiUrl ?? '', uuid);
}

/** `logger show`'s lines about pings. */
export function pingLines({ logger, pingHash }: PingedLogger, now: number): [string, string][] {
  const lines: [string, string][] = [
    [
      'Ping URL',
      pingHash
        ? 'set (shown once at registration or rotate-token; only its hash is kept)'
        : `none (registered before ping URLs): listener logger rotate-token ${formatLoggerId(logger)} gives one`,
    ],
  ];
  const since = runningSince(logger);
  if (since !== undefined) {
    const more = (logger.runs?.length ?? 0) > 1 ? ` (${logger.runs?.length} runs open)` : '';
    lines.push(['Running since', `${when(since, now)}, not finished yet${more}`]);
  }
  if (logger.lastRun) {
    const { durationMs, endedAt, outcome } = logger.lastRun;
    lines.push([
      'Last run',
      `${formatDuration(durationMs)}, ${outcome === 'fail' ? 'failed' : 'finished'} ${when(endedAt, now)}`,
    ]);
  }
  if (logger.state === 'DOWN' && logger.failure) {
    const exit = logger.failure.exitStatus === undefined ? '' : ` (exit status ${logger.failure.exitStatus})`;
    lines.push(['Failed', `${when(logger.failure.at, now)}${exit}`]);
  }
  if (logger.lastLogAt !== undefined) lines.push(['Last log ping', when(logger.lastLogAt, now)]);
  return lines;
}

/** `logger show --json`'s `ping` member. */
export function pingJson({ logger, pingHash }: PingedLogger) {
  const since = runningSince(logger);
  return {
    url: pingHash ? 'set' : 'none',
    startedAt: since === undefined ? null : iso(since),
    runs: (logger.runs ?? []).map((r) => ({ startedAt: iso(r.at), rid: r.rid ?? null })),
    lastRun: logger.lastRun
      ? {
          startedAt: iso(logger.lastRun.startedAt),
          endedAt: iso(logger.lastRun.endedAt),
          durationMs: logger.lastRun.durationMs,
          outcome: logger.lastRun.outcome,
          rid: logger.lastRun.rid ?? null,
        }
      : null,
    failure:
      logger.state === 'DOWN' && logger.failure
        ? { at: iso(logger.failure.at), exitStatus: logger.failure.exitStatus ?? null }
        : null,
    lastLogAt: logger.lastLogAt === undefined ? null : iso(logger.lastLogAt),
  };
}
