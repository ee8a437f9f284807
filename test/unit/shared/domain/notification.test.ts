import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoggerEvent, Severity } from '../../../../shared/domain/event.js';
import type { Logger } from '../../../../shared/domain/logger.js';
import {
  consoleLine,
  emailText,
  eventDetail,
  eventNotification,
  headline,
  massSilenceNotification,
  messageAttributes,
  type Notification,
  pagesOnCall,
  SILENT_RUNBOOK,
  smsText,
  stateNotification,
  subject,
  timeoutText,
} from '../../../../shared/domain/notices/notification.js';
import { phoneHome, sweepLogger } from '../../../../shared/domain/transitions.js';
import { aLogger, LISTENER, MINUTE, T0 } from '../../fixtures.js';

const TIMEOUT = 780 * MINUTE;
const SILENT_HEADLINE =
  'Side A Logger of geocust1 has not phoned home to Listener GEOCSCLNRA within configured timeout value (780 min).';

/** The alarm for a Logger last seen at T0 and swept 2 minutes after its deadline. */
function silent(overrides: Partial<Logger> = {}, lastSeenAt: number | 'never' = T0) {
  const seen = lastSeenAt === 'never' ? aLogger(overrides) : phoneHome(aLogger(overrides), lastSeenAt).next;
  const swept = sweepLogger(seen, seen.deadline + 2 * MINUTE);
  if (!swept?.notice) throw new Error('fixture: expected an alarm');
  return stateNotification(swept.next, swept.notice, LISTENER);
}

/** The CLEARED notification for a Logger last seen at T0 that phones home 785 minutes later. */
function recovered() {
  const down = sweepLogger(phoneHome(aLogger(), T0).next, T0 + TIMEOUT)?.next;
  if (!down) throw new Error('fixture: expected an alarm');
  const back = phoneHome(down, T0 + 785 * MINUTE);
  if (!back.notice) throw new Error('fixture: expected a recovery');
  return stateNotification(back.next, back.notice, LISTENER);
}

function forwarded(severity: Severity, message = 'CSFS: Removed Remote Resource', logger = aLogger()) {
  const event: LoggerEvent = {
    id: 'evt-42',
    occurredAt: '2026-11-24T16:59:58+01:00',
    severity,
    source: 'csfs',
    message,
    receivedAt: T0 + 1_500,
  };
  return eventNotification(logger, event, LISTENER);
}

describe('headline', () => {
  it('reads exactly like AlarmTracker for the default 780-minute timeout', () => {
    expect(headline(silent())).toBe(SILENT_HEADLINE);
  });

  it('names side B and the customer', () => {
    expect(headline(silent({ side: 'B', customer: 'acme-7' }))).toBe(
      'Side B Logger of acme-7 has not phoned home to Listener GEOCSCLNRA within configured timeout value (780 min).',
    );
  });

  it('renders a seconds-scale timeout like (3s)', () => {
    const n = silent({
      eventTimeoutMs: 3_000,
      heartbeatIntervalMs: 2_000,
      deadline: T0 + 3_000,
      dueAt: T0 + 3_000,
    });
    expect(headline(n)).toBe(
      'Side A Logger of geocust1 has not phoned home to Listener GEOCSCLNRA within configured timeout value (3s).',
    );
  });

  it('says, when CLEARED, how long the Logger was silent', () => {
    expect(headline(recovered())).toBe(
      'Side A Logger of geocust1 phoned home to Listener GEOCSCLNRA again after 13h 5m of silence.',
    );
  });

  it('counts the Loggers still silent when a mass silence is over: "1 Logger", never "Logger(s)"', () => {
    const cleared = (count: number) =>
      headline(
        massSilenceNotification(
          {
            id: 'm1',
            kind: 'MASS_SILENCE_CLEARED',
            at: T0,
            count,
            customers: ['acme'],
            cause: 'x',
            holdUntil: T0,
          },
          LISTENER,
        ),
      );
    expect(cleared(1)).toContain(': 1 Logger still silent page their reps now;');
    expect(cleared(3)).toContain(': 3 Loggers still silent');
    expect(cleared(1)).not.toContain('(s)');
  });

  it('repeats a forwarded event with its severity', () => {
    expect(headline(forwarded('critical'))).toBe(
      'Side A Logger of geocust1 reported critical: CSFS: Removed Remote Resource',
    );
  });
});

describe('timeoutText', () => {
  it('writes whole minutes as "N min" and anything else compactly', () => {
    expect(timeoutText(780 * MINUTE)).toBe('780 min');
    expect(timeoutText(MINUTE)).toBe('1 min');
    expect(timeoutText(3_000)).toBe('3s');
    expect(timeoutText(90_000)).toBe('1m 30s');
  });
});

describe('consoleLine', () => {
  it('tags alarms, clears and events', () => {
    expect(consoleLine(silent())).toBe(`ALARM geocust1/A ${SILENT_HEADLINE}`);
    expect(consoleLine(recovered())).toMatch(/^CLEARED geocust1\/A Side A Logger of geocust1 phoned home/);
    expect(consoleLine(forwarded('warning'))).toMatch(/^EVENT geocust1\/A /);
  });
});

describe('smsText and subject', () => {
  it('sends the full alarm headline when it fits in an SMS', () => {
    expect(smsText(silent())).toBe(`ALARM: ${SILENT_HEADLINE}`);
  });

  it('writes a short email subject for an alarm and a clear', () => {
    expect(subject(silent())).toBe('[ALARM] geocust1/A has not phoned home (Listener GEOCSCLNRA)');
    expect(subject(recovered())).toBe('[CLEARED] geocust1/A phoned home again (Listener GEOCSCLNRA)');
    expect(subject(forwarded('error', 'disk full'))).toBe(
      '[ERROR] geocust1/A event: disk full (Listener GEOCSCLNRA)',
    );
  });

  it('shortens a 2 KiB event message to ≤ 140 SMS characters and a ≤ 100-character subject, marking the cut', () => {
    const n = forwarded('error', 'x'.repeat(2_048));
    expect(smsText(n).length).toBeLessThanOrEqual(140);
    expect(smsText(n)).toMatch(/^ERROR: Side A Logger of geocust1 reported error: x+…$/);
    expect(subject(n).length).toBeLessThanOrEqual(100);
    expect(subject(n)).toMatch(/^\[ERROR\] geocust1\/A event: x+…$/);
  });

  it('keeps SMS ≤ 140 and subject ≤ 100 characters for any message, customer and Listener', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 2_048 }),
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/),
        fc.constantFrom<Severity>('info', 'warning', 'error', 'critical'),
        (message, customer, listener, severity) => {
          const logger = aLogger({ customer });
          const event = { id: 'e', occurredAt: '2026-11-24T17:00:00Z', severity, message, receivedAt: T0 };
          const swept = sweepLogger(logger, logger.deadline);
          const notifications: Notification[] = [eventNotification(logger, event, listener)];
          if (swept?.notice) notifications.push(stateNotification(swept.next, swept.notice, listener));
          for (const n of notifications) {
            expect(smsText(n).length).toBeLessThanOrEqual(140);
            expect(subject(n).length).toBeLessThanOrEqual(100);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('emailText', () => {
  it('gives the facts of a silent Logger: last seen, deadline, timeout, transport and Listener', () => {
    const text = emailText(silent());
    const lines = text.split('\n');
    expect(lines[0]).toBe(SILENT_HEADLINE);
    expect(lines).toContain('Logger: geocust1/A');
    expect(lines).toContain('Listener: GEOCSCLNRA');
    expect(lines).toContain('Transport: modem');
    expect(lines).toContain('Event timeout: 780 min');
    expect(lines).toContain('Heartbeat interval: 720 min');
    expect(lines).toContain('Last seen: 2026-11-24T17:00:00.000Z');
    expect(lines).toContain('Deadline: 2026-11-25T06:00:00.000Z');
    expect(lines).toContain('Alarm raised: 2026-11-25T06:02:00.000Z');
  });

  it('says "never" for a Logger that never phoned home', () => {
    expect(emailText(silent({}, 'never')).split('\n')).toContain('Last seen: never');
  });

  it('lists the runbook for a silent Logger: DTP log, modem, RAS, heartbeat interval, phone-home config', () => {
    const text = emailText(silent());
    expect(text).toContain('What to check:');
    SILENT_RUNBOOK.forEach((step, i) => {
      expect(text).toContain(`${i + 1}. ${step}`);
    });
    expect(text).toMatch(/DTP log/);
    expect(text).toMatch(/modem/i);
    expect(text).toMatch(/\bRAS\b/);
    expect(text).toMatch(/heartbeatIntervalMinutes/);
    expect(text).toMatch(/Phone Home configuration/);
  });

  it('tells when a Logger was cleared and its new deadline, without the runbook', () => {
    const text = emailText(recovered());
    const lines = text.split('\n');
    expect(lines).toContain('Cleared at: 2026-11-25T06:05:00.000Z');
    expect(lines).toContain('New deadline: 2026-11-25T19:05:00.000Z');
    expect(lines).toContain('Last seen: 2026-11-24T17:00:00.000Z');
    expect(text).not.toContain('What to check');
  });

  it('carries a forwarded event’s facts and leaves out absent ones', () => {
    const lines = emailText(forwarded('error')).split('\n');
    expect(lines).toContain('Severity: error');
    expect(lines).toContain('Event id: evt-42');
    expect(lines).toContain('Occurred at: 2026-11-24T16:59:58+01:00');
    expect(lines).toContain('Source: csfs');
    expect(lines).toContain('Received at: 2026-11-24T17:00:01.500Z');
    const n = forwarded('error');
    const { source: _, ...withoutSource } = n.event;
    expect(emailText({ ...n, event: withoutSource })).not.toMatch(/Source:/);
  });
});

describe('messageAttributes', () => {
  it('carries kind, customer, side and severity for SNS filter policies', () => {
    expect(messageAttributes(silent({ side: 'B' }))).toEqual({
      kind: 'LOGGER_SILENT',
      customer: 'geocust1',
      side: 'B',
      severity: 'error',
    });
    expect(messageAttributes(recovered())).toEqual({
      kind: 'LOGGER_RECOVERED',
      customer: 'geocust1',
      side: 'A',
      severity: 'info',
    });
    expect(messageAttributes(forwarded('warning'))).toEqual({
      kind: 'LOGGER_EVENT',
      customer: 'geocust1',
      side: 'A',
      severity: 'warning',
    });
  });
});

describe('pagesOnCall', () => {
  it('pages for every state change', () => {
    expect(pagesOnCall(silent())).toBe(true);
    expect(pagesOnCall(recovered())).toBe(true);
  });

  it.each([
    ['error', true],
    ['critical', true],
    ['warning', false],
    ['info', false],
  ] as const)('pages for a forwarded %s event: %s', (severity, pages) => {
    expect(pagesOnCall(forwarded(severity))).toBe(pages);
  });
});

describe('stateNotification and eventNotification', () => {
  it('takes its id from the notice, so a retried publish has the same id', () => {
    const n = silent();
    expect(n.id).toBe(n.notice.id);
    expect(silent().id).toBe(n.id);
  });

  it('gives a forwarded event a deterministic id from the Logger and event id', () => {
    expect(forwarded('info').id).toBe('geocust1/A#LOGGER_EVENT#evt-42');
  });
});

describe('eventDetail', () => {
  it('describes an alarm with ISO times and the timeout in minutes', () => {
    const n = silent();
    expect(eventDetail(n)).toEqual({
      id: n.id,
      logger: 'geocust1/A',
      customer: 'geocust1',
      side: 'A',
      transport: 'modem',
      listener: 'GEOCSCLNRA',
      severity: 'error',
      eventTimeoutMinutes: 780,
      message: SILENT_HEADLINE,
      at: '2026-11-25T06:02:00.000Z',
      lastSeenAt: '2026-11-24T17:00:00.000Z',
      deadline: '2026-11-25T06:00:00.000Z',
    });
  });

  it('gives null for never seen, and seconds of silence for a clear', () => {
    expect(eventDetail(silent({}, 'never')).lastSeenAt).toBeNull();
    expect(eventDetail(recovered())).toMatchObject({
      silentForSeconds: 785 * 60,
      at: '2026-11-25T06:05:00.000Z',
    });
  });

  it('gives a forwarded event’s receipt time as ISO and keeps its own time as sent', () => {
    const detail = eventDetail(forwarded('critical'));
    expect(detail.event).toEqual({
      id: 'evt-42',
      occurredAt: '2026-11-24T16:59:58+01:00',
      severity: 'critical',
      source: 'csfs',
      message: 'CSFS: Removed Remote Resource',
      receivedAt: '2026-11-24T17:00:01.500Z',
    });
  });

  it('is plain JSON', () => {
    const detail = eventDetail(recovered());
    expect(JSON.parse(JSON.stringify(detail))).toEqual(detail);
  });
});
