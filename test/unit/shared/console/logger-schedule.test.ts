/** The console's Logger page says a cron Logger's schedule in one line, where an interval Logger's rhythm is. */
import { describe, expect, it } from 'vitest';
import { loggerBody } from '../../../../shared/console/pages/logger.js';
import { newLogger } from '../../../../shared/domain/logger.js';
import { cronRhythm, cronSchedule } from '../../../../shared/domain/pings/schedule.js';

const now = Date.UTC(2026, 11, 7, 12);
const viewer = { user: 'alice', csrf: 'token' };
const page = (logger: ReturnType<typeof newLogger>) =>
  loggerBody({ logger, events: [], audit: [], findings: [], now }, viewer).toString();

describe('the Logger page', () => {
  it('shows a cron Logger’s schedule and the run it is due for, not a heartbeat interval', () => {
    const schedule = cronSchedule('0 2 * * 1-5', 'Europe/Berlin', 3_600_000);
    const text = page(
      newLogger(
        { customer: 'backup', side: 'A' },
        { schedule, ...cronRhythm(schedule), transport: 'https' },
        now,
      ),
    );
    expect(text).toContain('<dt>Schedule</dt><dd>cron 0 2 * * 1-5 Europe/Berlin, grace 1h, next due ');
    expect(text).not.toContain('<dt>Heartbeat interval</dt>');
  });

  it('shows an interval Logger’s interval and timeout as before', () => {
    const text = page(
      newLogger(
        { customer: 'geocust1', side: 'A' },
        { eventTimeoutMs: 780 * 60_000, heartbeatIntervalMs: 720 * 60_000, transport: 'https' },
        now,
      ),
    );
    expect(text).toContain('<dt>Heartbeat interval</dt>');
    expect(text).not.toContain('<dt>Schedule</dt>');
  });
});
