/**
 * The state machine's operator features: arrival history, maintenance windows, acknowledgement, reminders
 * and the duplex pair (a twin's state in the alarm, the customer going blind).
 */
import { describe, expect, it } from 'vitest';
import {
  awaitsTwin,
  blindEpisode,
  customerBlind,
  twinSeen,
} from '../../../../shared/domain/guards/blind-customer.js';
import {
  ARRIVALS_KEPT,
  arrivalIntervals,
  type Logger,
  recentArrivals,
  twinOf,
} from '../../../../shared/domain/logger.js';
import { headline, stateNotification } from '../../../../shared/domain/notices/notification.js';
import {
  acknowledge,
  addMaintenance,
  outboxPublished,
  phoneHome,
  removeMaintenance,
  sweepLogger,
  unacknowledge,
} from '../../../../shared/domain/transitions.js';
import { aLogger, HOUR, LISTENER, MINUTE, T0, upLogger } from '../../fixtures.js';

const TIMEOUT = 780 * MINUTE;

/** DOWN with its twin looked at (none) and its notices published (as the sweeper leaves it). */
function downPublished(logger: Logger, now: number, renotifyEveryMs?: number): Logger {
  const swept = sweepLogger(logger, now, renotifyEveryMs ? { renotifyEveryMs } : {});
  if (!swept) throw new Error('fixture: expected an alarm');
  const seen = twinSeen(swept.next, undefined, now);
  return outboxPublished(
    seen,
    seen.outbox.map((n) => n.id),
  );
}

describe('arrival history', () => {
  it('records each phone-home and keeps only the last 20', () => {
    let logger = aLogger();
    for (let i = 0; i < 25; i++) logger = phoneHome(logger, T0 + i * 720 * MINUTE).next;
    expect(logger.arrivals).toHaveLength(ARRIVALS_KEPT);
    expect(logger.arrivals?.[0]).toBe(T0 + 5 * 720 * MINUTE);
    expect(logger.arrivals?.at(-1)).toBe(T0 + 24 * 720 * MINUTE);
  });

  it('reads the last 20 of a longer stored history (the one-request path appends up to 40)', () => {
    const arrivals = Array.from({ length: 37 }, (_, i) => T0 + i * HOUR);
    expect(recentArrivals({ arrivals })).toEqual(arrivals.slice(-20));
  });

  it('gives the real interval between consecutive arrivals', () => {
    expect(arrivalIntervals([T0, T0 + 720 * MINUTE, T0 + 1500 * MINUTE])).toEqual([
      720 * MINUTE,
      780 * MINUTE,
    ]);
    expect(arrivalIntervals([T0])).toEqual([]);
  });
});

describe('maintenance windows', () => {
  const window = { id: 'mw-1', from: T0 + 700 * MINUTE, to: T0 + 900 * MINUTE, reason: 'line work' };

  it('suppress the alarm at a deadline inside the window and look again at its end', () => {
    const logger = addMaintenance(upLogger(T0), window, T0);
    const transition = sweepLogger(logger, logger.deadline);
    expect(transition?.notice).toBeUndefined();
    expect(transition?.next.state).toBe('UP');
    expect(transition?.next.dueAt).toBe(window.to);
  });

  it('let the alarm through at the window end when the Logger is still silent', () => {
    const logger = addMaintenance(upLogger(T0), window, T0);
    const atEnd = sweepLogger(logger, window.to);
    expect(atEnd?.notice?.kind).toBe('LOGGER_SILENT');
    expect(atEnd?.next.state).toBe('DOWN');
  });

  it('change nothing for a Logger that phoned home during the window', () => {
    const logger = addMaintenance(upLogger(T0), window, T0);
    const seen = phoneHome(logger, T0 + 800 * MINUTE).next;
    expect(sweepLogger(seen, window.to)).toBeUndefined();
    expect(seen.dueAt).toBe(T0 + 800 * MINUTE + TIMEOUT);
  });

  it('are dropped once over, and removing one makes a waiting Logger due at its deadline', () => {
    const old = { id: 'old', from: T0 - 2 * HOUR, to: T0 - HOUR };
    const logger = addMaintenance(addMaintenance(upLogger(T0), old, T0 - 3 * HOUR), window, T0);
    expect(logger.maintenance?.map((w) => w.id)).toEqual(['mw-1']);
    const waiting = { ...logger, dueAt: window.to };
    expect(removeMaintenance(waiting, 'mw-1')).toMatchObject({ dueAt: logger.deadline });
    expect(removeMaintenance(waiting, 'mw-1')?.maintenance).toBeUndefined();
    expect(removeMaintenance(waiting, 'nope')).toBeUndefined();
  });
});

describe('acknowledgement and reminders', () => {
  const renotify = 4 * HOUR;

  it('keep a DOWN Logger due at its next reminder when reminders are on, and never when off', () => {
    expect(downPublished(upLogger(T0), T0 + TIMEOUT, renotify).dueAt).toBe(T0 + TIMEOUT + renotify);
    expect(downPublished(upLogger(T0), T0 + TIMEOUT).dueAt).toBeUndefined();
  });

  it('remind once per period while unacknowledged, numbering the reminders', () => {
    const down = downPublished(upLogger(T0), T0 + TIMEOUT, renotify);
    const early = sweepLogger(down, T0 + TIMEOUT + renotify - 1, { renotifyEveryMs: renotify });
    expect(early).toBeUndefined();
    const first = sweepLogger(down, T0 + TIMEOUT + renotify, { renotifyEveryMs: renotify });
    expect(first?.notice).toMatchObject({ kind: 'LOGGER_SILENT', reminder: 1 });
    expect(first?.next.remindAt).toBe(T0 + TIMEOUT + 2 * renotify);
    const n = first?.notice && stateNotification(first.next, first.notice, LISTENER);
    expect(n && headline(n)).toMatch(/still has not phoned home .* Reminder 1: silent for 17h/);
  });

  it('stop reminding once someone owns the alarm, and resume after unack', () => {
    const down = downPublished(upLogger(T0), T0 + TIMEOUT, renotify);
    const owned = acknowledge(down, { by: 'alice', at: T0 + TIMEOUT + HOUR, ticket: 'INC-1' });
    expect(owned?.ack?.by).toBe('alice');
    // Due at once for the acknowledgement to the incident tools; once that is out, not again.
    expect(owned?.dueAt).toBe(T0 + TIMEOUT + HOUR);
    const acked =
      owned &&
      outboxPublished(
        owned,
        owned.outbox.map((n) => n.id),
      );
    expect(acked?.dueAt).toBeUndefined();
    expect(acked && sweepLogger(acked, T0 + 10 * TIMEOUT, { renotifyEveryMs: renotify })).toBeUndefined();
    const given = acked && unacknowledge(acked, T0 + TIMEOUT + 2 * HOUR, renotify);
    expect(given?.ack).toBeUndefined();
    expect(given?.dueAt).toBe(T0 + TIMEOUT + 2 * HOUR + renotify);
  });

  it('record one LOGGER_ACKNOWLEDGED notice for the incident tools, after the page, when the alarm gets an owner', () => {
    const down = downPublished(upLogger(T0), T0 + TIMEOUT, renotify);
    const at = T0 + TIMEOUT + HOUR;
    const acked = acknowledge(down, { by: 'alice', at });
    expect(acked?.outbox).toEqual([
      {
        id: `geocust1/A#LOGGER_ACKNOWLEDGED#${at}`,
        kind: 'LOGGER_ACKNOWLEDGED',
        at,
        deadline: down.deadline,
        outage: `geocust1/A#LOGGER_SILENT#${down.deadline}`,
        ackBy: 'alice',
      },
    ]);
    // Taken over by someone else: the tools' incident is acknowledged already.
    expect(acked && acknowledge(acked, { by: 'bob', at: at + 1 })?.outbox).toHaveLength(1);
    // Pages held by a mass silence: no incident is open to acknowledge.
    const page = {
      id: 'geocust1/A#LOGGER_SILENT#1',
      kind: 'LOGGER_SILENT',
      at,
      deadline: down.deadline,
    } as const;
    const held: Logger = { ...down, held: { notices: [page], until: at + HOUR } };
    expect(acknowledge(held, { by: 'alice', at })?.outbox).toEqual([]);
  });

  it('only acknowledge a Logger that has an alarm (DOWN)', () => {
    expect(acknowledge(upLogger(T0), { by: 'alice', at: T0 })).toBeUndefined();
  });

  it('clear the acknowledgement and reminders when the Logger is back UP', () => {
    const down = downPublished(upLogger(T0), T0 + TIMEOUT, renotify);
    const acked = acknowledge(down, { by: 'alice', at: T0 + TIMEOUT });
    const back = acked && phoneHome(acked, T0 + TIMEOUT + HOUR).next;
    expect(back?.state).toBe('UP');
    expect(back?.ack).toBeUndefined();
    expect(back?.remindAt).toBeUndefined();
  });
});

describe('the duplex pair', () => {
  const twinUp = upLogger(T0 + 600 * MINUTE, { side: 'B' });

  it('pairs A with B', () => {
    expect(twinOf({ customer: 'geocust1', side: 'A' })).toEqual({ customer: 'geocust1', side: 'B' });
  });

  it('says a twin that phones home points at this Logger’s own modem, RAS or configuration', () => {
    const transition = sweepLogger(upLogger(T0), T0 + TIMEOUT);
    const seen = transition && twinSeen(transition.next, twinUp, T0 + TIMEOUT);
    expect(seen?.outbox.map((n) => n.kind)).toEqual(['LOGGER_SILENT']);
    const alarm = seen?.outbox[0];
    const n = seen && alarm && stateNotification(seen, alarm, LISTENER);
    expect(n && headline(n)).toContain(
      "Side B phones home normally: check this Logger's own modem, RAS and Phone Home configuration, not the site.",
    );
  });

  it('keeps the DOWN alarm awaiting the twin until the sweeper has looked, even once delivered', () => {
    const down = sweepLogger(upLogger(T0), T0 + TIMEOUT)?.next as Logger;
    expect(awaitsTwin(down)).toBe(true);
    const delivered = outboxPublished(
      down,
      down.outbox.map((n) => n.id),
    );
    expect(delivered.outbox.map((n) => n.kind)).toEqual(['LOGGER_SILENT']);
    const seen = twinSeen(down, twinUp, T0 + TIMEOUT);
    expect(awaitsTwin(seen)).toBe(false);
    expect(seen.revision).toBe(down.revision);
    expect(
      outboxPublished(
        seen,
        seen.outbox.map((n) => n.id),
      ).outbox,
    ).toEqual([]);
  });

  it('drops the pending look when the Logger phones home first: a customer no longer blind is not paged', () => {
    const down = sweepLogger(upLogger(T0), T0 + TIMEOUT)?.next as Logger;
    expect(awaitsTwin(phoneHome(down, T0 + TIMEOUT + MINUTE).next)).toBe(false);
  });

  it('records one critical CUSTOMER_BLIND notice when the twin is DOWN too', () => {
    const twinDown = downPublished(upLogger(T0, { side: 'B' }), T0 + TIMEOUT);
    const now = T0 + MINUTE + TIMEOUT;
    const down = sweepLogger(upLogger(T0 + MINUTE), now)?.next as Logger;
    const next = customerBlind(down, twinDown, now, MINUTE);
    const blind = next.outbox.find((n) => n.kind === 'CUSTOMER_BLIND');
    expect(next.outbox.map((n) => n.kind)).toEqual(['LOGGER_SILENT', 'CUSTOMER_BLIND']);
    expect(next.revision).toBe(down.revision + 1);
    expect(awaitsTwin(next)).toBe(false);
    const n = blind && stateNotification(next, blind, LISTENER);
    expect(n?.severity).toBe('critical');
    expect(n && headline(n)).toBe(
      'Customer geocust1 is blind: both Loggers (A and B) have stopped phoning home to Listener GEOCSCLNRA, so none of its alarms reach support.',
    );
  });

  it('names a blind episode the same from either side, and a later outage of either side differently', () => {
    const a = downPublished(upLogger(T0), T0 + TIMEOUT);
    const b = downPublished(upLogger(T0 + MINUTE, { side: 'B' }), T0 + MINUTE + TIMEOUT);
    expect(blindEpisode(a, b)).toBe(blindEpisode(b, a));
    const later = downPublished(phoneHome(b, T0 + 2 * TIMEOUT).next, T0 + 3 * TIMEOUT + MINUTE);
    expect(blindEpisode(a, later)).not.toBe(blindEpisode(a, b));
  });
});

describe('pending notices', () => {
  it('are retried before a maintenance window or a reminder reschedules the Logger', () => {
    const window = { id: 'mw-1', from: T0, to: T0 + 2 * TIMEOUT };
    const pending = {
      ...addMaintenance(upLogger(T0), window, T0),
      outbox: [{ id: 'n', kind: 'LOGGER_RECOVERED' as const, at: T0, deadline: T0 + TIMEOUT }],
    };
    expect(sweepLogger(pending, T0 + TIMEOUT)).toBeUndefined();
    const down = sweepLogger(upLogger(T0), T0 + TIMEOUT, { renotifyEveryMs: HOUR });
    expect(down && sweepLogger(down.next, T0 + TIMEOUT + HOUR, { renotifyEveryMs: HOUR })).toBeUndefined();
  });
});
