import { describe, expect, it } from 'vitest';
import { type Logger, newLogger } from '../../../../shared/domain/logger.js';
import { cronRhythm, cronSchedule } from '../../../../shared/domain/pings/schedule.js';
import { patchedSettings } from '../../../../shared/listener/change-settings.js';
import { planImport } from '../../../../shared/listener/fleet-import.js';
import { checkSettings } from '../../../../shared/listener/register.js';
import type { Fleet } from '../../../../shared/ports/fleet.js';

const HOUR = 3_600_000;
const schedule = cronSchedule('0 2 * * *', 'Europe/Berlin', HOUR);
const cronLogger = newLogger(
  { customer: 'backup', side: 'A' },
  { schedule, ...cronRhythm(schedule), transport: 'https' },
  Date.UTC(2026, 11, 7),
);
const intervalLogger = newLogger(
  { customer: 'backup', side: 'B' },
  { eventTimeoutMs: 13 * HOUR, heartbeatIntervalMs: 12 * HOUR, transport: 'https' },
  Date.UTC(2026, 11, 7),
);

describe('changing a schedule (logger set)', () => {
  it('--grace alone keeps the expression and zone, and the rhythm follows the new grace', () => {
    const settings = patchedSettings(cronLogger, { cron: { graceMs: 2 * HOUR } });
    expect(settings.schedule).toEqual({ ...schedule, graceMs: 2 * HOUR });
    expect(settings.eventTimeoutMs - settings.heartbeatIntervalMs).toBe(2 * HOUR);
  });

  it('--timeout makes a cron Logger an interval Logger again, its interval derived', () => {
    const settings = patchedSettings(cronLogger, { eventTimeoutMs: 13 * HOUR });
    expect(settings.schedule).toBeUndefined();
    expect(settings).toMatchObject({ eventTimeoutMs: 13 * HOUR, heartbeatIntervalMs: 12 * HOUR });
  });

  it('refuses --interval alone on a cron Logger, and a part of a schedule for an interval Logger', () => {
    expect(() => patchedSettings(cronLogger, { heartbeatIntervalMs: HOUR })).toThrow(
      /backup\/A follows a cron schedule, which has no heartbeat interval: give --timeout/,
    );
    expect(() => patchedSettings(intervalLogger, { cron: { graceMs: HOUR } })).toThrow(
      /backup\/B follows no cron schedule yet: give --cron and --tz together/,
    );
    expect(
      patchedSettings(intervalLogger, { cron: { expression: '0 3 * * *', timeZone: 'UTC' } }).schedule,
    ).toEqual({ kind: 'cron', expression: '0 3 * * *', timeZone: 'UTC', graceMs: HOUR });
  });

  it('warns about a grace under the note’s 60 minutes, not about an interval', () => {
    const short = cronSchedule('0 2 * * *', 'UTC', 30 * 60_000);
    expect(checkSettings({ schedule: short, ...cronRhythm(short), transport: 'https' })).toEqual([
      'the grace (30m) is under 60 minutes: a run that starts late or takes longer than that raises an alarm',
    ]);
    expect(checkSettings(cronLogger)).toEqual([]);
  });
});

describe('a cron Logger through logger export | import (the CSV has no cron columns)', () => {
  const fleetOf = (loggers: Logger[]) => ({ getMany: async () => loggers }) as unknown as Fleet;
  const row = (eventTimeoutMs: number, heartbeatIntervalMs: number) => ({
    id: { customer: 'backup', side: 'A' as const },
    eventTimeoutMs,
    heartbeatIntervalMs,
    transport: 'https' as const,
  });

  it('keeps its schedule when its exported row (the derived timeout and interval) comes back', async () => {
    const exported = row(cronLogger.eventTimeoutMs, cronLogger.heartbeatIntervalMs);
    expect(await planImport(fleetOf([cronLogger]), [exported])).toMatchObject({ update: [], unchanged: 1 });
  });

  it('becomes an interval Logger when the row gives another timeout', async () => {
    const plan = await planImport(fleetOf([cronLogger]), [row(13 * HOUR, 12 * HOUR)]);
    expect(plan.update).toHaveLength(1);
  });
});
