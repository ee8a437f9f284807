import { describe, expect, it } from 'vitest';
import {
  claimTwinOutbox,
  isTwinSilent,
  newWatch,
  type SweepBeacon,
  type TwinWatch,
  twinOutboxDelivered,
  watchTwin,
} from '../../../../shared/domain/guards/twin-watch.js';
import {
  consoleLine,
  emailText,
  eventDetail,
  messageAttributes,
  pagesOnCall,
  smsText,
  subject,
  twinNotification,
} from '../../../../shared/domain/notices/notification.js';
import { T0 } from '../../fixtures.js';

const SECOND = 1_000;
const EVERY = 60 * SECOND;
const A = 'GEOCSCLNRA';
const B = 'GEOCSCLNRB';

function beacon(lastSweepAt: number, sweepEveryMs = EVERY): SweepBeacon {
  return { listenerName: B, lastSweepAt, sweepEveryMs };
}

/** A's watch of B after a first look at `T0`, B having swept then. */
function watching(): TwinWatch {
  const started = watchTwin(newWatch(A, B), beacon(T0), T0, EVERY);
  if (!started) throw new Error('the first look records when the watch began');
  return started;
}

/** Runs the watch over `looks` (time, beacon) the way successive sweeps do, writing every change. */
function run(state: TwinWatch, looks: readonly [number, SweepBeacon | undefined][]): TwinWatch {
  return looks.reduce((s, [now, b]) => watchTwin(s, b, now, EVERY) ?? s, state);
}

describe('when the twin counts as silent', () => {
  it('is after two of its sweep periods without a sweep, not one moment sooner', () => {
    const state = watching();
    expect(isTwinSilent(state, beacon(T0), T0 + 2 * EVERY, EVERY)).toBe(false);
    expect(isTwinSilent(state, beacon(T0), T0 + 2 * EVERY + 1, EVERY)).toBe(true);
  });

  it('uses the slower of the two sweep periods, so a twin sweeping less often is not called silent', () => {
    const state = watching();
    const slowTwin = beacon(T0, 5 * EVERY);
    expect(isTwinSilent(state, slowTwin, T0 + 9 * EVERY, EVERY)).toBe(false);
    expect(isTwinSilent(state, slowTwin, T0 + 10 * EVERY + 1, EVERY)).toBe(true);
  });

  it("is judged no faster than this side's own sweeps come: a slow machine or store slows both alike", () => {
    const state = watching();
    // This side's own previous sweep was 5 periods ago: a twin 3 periods quiet is not singled out.
    expect(isTwinSilent(state, beacon(T0), T0 + 3 * EVERY, EVERY, 5 * EVERY)).toBe(false);
    expect(isTwinSilent(state, beacon(T0), T0 + 3 * EVERY, EVERY, EVERY)).toBe(true);
  });

  it('counts a twin that never swept from when the watch began', () => {
    const first = watchTwin(newWatch(A, B), undefined, T0, EVERY);
    expect(first?.watchingSince).toBe(T0);
    expect(first?.outbox).toEqual([]);
    const later = first && watchTwin(first, undefined, T0 + 2 * EVERY + 1, EVERY);
    expect(later?.outbox.map((n) => n.kind)).toEqual(['LISTENER_SILENT']);
    expect(later?.outbox[0]?.lastSweepAt).toBeUndefined();
  });
});

describe('raising and recovering', () => {
  it('changes nothing (no write) while the twin sweeps on time', () => {
    const state = watching();
    expect(watchTwin(state, beacon(T0 + EVERY), T0 + EVERY + 5 * SECOND, EVERY)).toBeUndefined();
  });

  it('raises LISTENER_SILENT once, however many sweeps see the twin silent', () => {
    const state = run(watching(), [
      [T0 + 3 * EVERY, beacon(T0)],
      [T0 + 4 * EVERY, beacon(T0)],
      [T0 + 9 * EVERY, beacon(T0)],
    ]);
    expect(state.outbox.map((n) => n.kind)).toEqual(['LISTENER_SILENT']);
    expect(state.silent).toEqual({ raisedAt: T0 + 3 * EVERY, lastSweepAt: T0 });
    expect(watchTwin(state, beacon(T0), T0 + 20 * EVERY, EVERY)).toBeUndefined();
  });

  it('raises LISTENER_RECOVERED once when the twin sweeps again, with how long it was silent', () => {
    const state = run(watching(), [
      [T0 + 3 * EVERY, beacon(T0)],
      [T0 + 10 * EVERY, beacon(T0 + 10 * EVERY)],
      [T0 + 11 * EVERY, beacon(T0 + 11 * EVERY)],
    ]);
    expect(state.outbox.map((n) => n.kind)).toEqual(['LISTENER_SILENT', 'LISTENER_RECOVERED']);
    expect(state.silent).toBeUndefined();
    expect(state.outbox[1]?.silentForMs).toBe(10 * EVERY);
  });

  it('raises again for a second outage, under a new id', () => {
    const state = run(watching(), [
      [T0 + 3 * EVERY, beacon(T0)],
      [T0 + 4 * EVERY, beacon(T0 + 4 * EVERY)],
      [T0 + 7 * EVERY, beacon(T0 + 4 * EVERY)],
    ]);
    const kinds = state.outbox.map((n) => n.kind);
    expect(kinds).toEqual(['LISTENER_SILENT', 'LISTENER_RECOVERED', 'LISTENER_SILENT']);
    expect(new Set(state.outbox.map((n) => n.id)).size).toBe(3);
  });

  it('moves the revision on every change, so a concurrent sweep that read the old one cannot write', () => {
    const before = watching();
    const after = watchTwin(before, beacon(T0), T0 + 3 * EVERY, EVERY);
    expect(after?.revision).toBe(before.revision + 1);
  });
});

describe('publishing the notices', () => {
  it('is claimed by one sweep until the retry time, then by the next', () => {
    const raised = run(watching(), [[T0 + 3 * EVERY, beacon(T0)]]);
    const claimed = claimTwinOutbox(raised, T0 + 3 * EVERY, T0 + 3 * EVERY + 30 * SECOND);
    expect(claimed?.revision).toBe(raised.revision + 1);
    expect(claimed && claimTwinOutbox(claimed, T0 + 3 * EVERY + 10 * SECOND, T0 + 4 * EVERY)).toBeUndefined();
    expect(claimed && claimTwinOutbox(claimed, T0 + 4 * EVERY, T0 + 5 * EVERY)).toBeDefined();
    expect(claimTwinOutbox(watching(), T0, T0 + EVERY)).toBeUndefined();
  });

  it('keeps a notice until every ops channel delivered it; a failed channel alone is retried', () => {
    const raised = run(watching(), [[T0 + 3 * EVERY, beacon(T0)]]);
    const id = raised.outbox[0]?.id ?? '';
    const half = twinOutboxDelivered(raised, new Map([[id, ['file']]]), ['file', 'sns']);
    expect(half.outbox.map((n) => n.sent)).toEqual([['file']]);
    const done = twinOutboxDelivered(half, new Map([[id, ['sns']]]), ['file', 'sns']);
    expect(done.outbox).toEqual([]);
    expect(done.outboxClaimedUntil).toBeUndefined();
  });
});

describe('how LISTENER_SILENT and LISTENER_RECOVERED read', () => {
  const raised = run(watching(), [[T0 + 3 * EVERY, beacon(T0)]]);
  const recovered = run(raised, [[T0 + 5 * EVERY, beacon(T0 + 5 * EVERY)]]);
  const silent = twinNotification(raised.outbox[0] as never);
  const back = twinNotification(recovered.outbox[1] as never);

  it('says which Listener is silent, when it was last seen, and that the watcher is paging alone', () => {
    expect(consoleLine(silent)).toBe(
      `LISTENER SILENT Listener ${B} has not swept within two periods (last seen 2026-11-24T17:00:00.000Z); Listener ${A} is paging alone.`,
    );
    expect(silent.listener).toBe(A);
    expect(silent.severity).toBe('critical');
    expect(subject(silent)).toContain(B);
    expect(smsText(silent).length).toBeLessThanOrEqual(140);
    expect(emailText(silent)).toContain('paging alone');
  });

  it('says the pair watches together again after the silence', () => {
    expect(consoleLine(back)).toBe(
      `LISTENER RECOVERED Listener ${B} sweeps again after 5m of silence; Listeners ${A} and ${B} watch the fleet together again.`,
    );
    expect(back.severity).toBe('info');
  });

  it('goes to ops with no Logger attributes and plain JSON facts on the bus', () => {
    expect(pagesOnCall(silent)).toBe(true);
    expect(messageAttributes(silent)).toEqual({
      kind: 'LISTENER_SILENT',
      customer: '-',
      side: '-',
      severity: 'critical',
    });
    expect(eventDetail(silent)).toMatchObject({
      kind: 'LISTENER_SILENT',
      watcher: A,
      twin: B,
      listener: A,
      lastSweepAt: '2026-11-24T17:00:00.000Z',
      sweepEverySeconds: 60,
    });
    expect(eventDetail(back)).toMatchObject({ kind: 'LISTENER_RECOVERED', silentForSeconds: 300 });
  });
});
