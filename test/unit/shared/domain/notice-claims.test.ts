import { describe, expect, it } from 'vitest';
import type { Logger, StateNotice } from '../../../../shared/domain/logger.js';
import { claimable, sendable, settleClaims } from '../../../../shared/domain/notices/notice-claims.js';
import { outboxRecorded, phoneHome, sweepLogger } from '../../../../shared/domain/transitions.js';
import { MINUTE, T0, upLogger } from '../../fixtures.js';

const CHANNELS = ['sns', 'bus'];
const UNTIL = T0 + MINUTE;

function notice(kind: StateNotice['kind'], extra: Partial<StateNotice> = {}): StateNotice {
  return { id: `geocust1/A#${kind}`, kind, at: T0, deadline: T0, ...extra };
}
const page = (extra: Partial<StateNotice> = {}) => notice('LOGGER_SILENT', extra);
const allClear = (extra: Partial<StateNotice> = {}) => notice('LOGGER_RECOVERED', extra);
const by = (claimId: string) => ({ claim: { by: claimId, until: UNTIL } });
const ids = (notices: readonly StateNotice[]) => notices.map((n) => n.kind);

describe('who may send what, per channel', () => {
  it('sends only the notices the publisher holds: a page held by the sweeper is never sent by the heartbeat', () => {
    const outbox = [page(by('sweep')), allClear(by('heartbeat'))];
    expect(ids(sendable(outbox, 'sns', { claimId: 'sweep' }))).toEqual(['LOGGER_SILENT']);
    // The all-clear waits behind the page it would otherwise overtake.
    expect(sendable(outbox, 'sns', { claimId: 'heartbeat' })).toEqual([]);
  });

  it('lets the all-clear go on a channel the page already went out on, and not on the others', () => {
    const outbox = [page({ ...by('sweep'), sent: ['sns'] }), allClear(by('heartbeat'))];
    expect(ids(sendable(outbox, 'sns', { claimId: 'heartbeat' }))).toEqual(['LOGGER_RECOVERED']);
    expect(sendable(outbox, 'bus', { claimId: 'heartbeat' })).toEqual([]);
  });

  it('sends both in order when it holds both, and nothing after a notice that failed on that channel', () => {
    const outbox = [page(by('sweep')), allClear(by('sweep'))];
    expect(ids(sendable(outbox, 'sns', { claimId: 'sweep' }))).toEqual(['LOGGER_SILENT', 'LOGGER_RECOVERED']);
    const failedOn = (c: string) => new Set(c === 'sns' ? [page().id] : []);
    expect(sendable(outbox, 'sns', { claimId: 'sweep', failedOn })).toEqual([]);
    expect(ids(sendable(outbox, 'bus', { claimId: 'sweep', failedOn }))).toHaveLength(2);
  });

  it('counts a claim as ended at its `until`', () => {
    expect(claimable(page(by('sweep')), UNTIL - 1)).toBe(false);
    expect(claimable(page(by('sweep')), UNTIL)).toBe(true);
    expect(claimable(page(), T0)).toBe(true);
  });
});

describe('settling claims when a publication records its deliveries', () => {
  it('gives up an all-clear that waits behind another writer’s page, so that writer can send it', () => {
    const outbox = [page(by('sweep')), allClear(by('heartbeat'))];
    const settled = settleClaims(outbox, CHANNELS, { claimId: 'heartbeat' }, T0, UNTIL);
    expect(settled[0]).toEqual(outbox[0]);
    expect(settled[1]?.claim).toBeUndefined();
  });

  it('claims, in the write recording its page, the all-clear nobody holds that it may now send', () => {
    const outbox = [page({ ...by('sweep'), sent: CHANNELS }), allClear()];
    const settled = settleClaims(outbox, CHANNELS, { claimId: 'sweep' }, T0, UNTIL + 5);
    expect(settled[1]?.claim).toEqual({ by: 'sweep', until: UNTIL + 5 });
    // Its own page, delivered everywhere, needs no claim any more.
    expect(settled[0]?.claim).toBeUndefined();
  });

  it('never claims a notice another writer still holds, but takes over one whose claim has ended', () => {
    const outbox = [page({ ...by('sweep'), sent: CHANNELS }), allClear(by('heartbeat'))];
    expect(settleClaims(outbox, CHANNELS, { claimId: 'sweep' }, T0, UNTIL)[1]?.claim?.by).toBe('heartbeat');
    expect(settleClaims(outbox, CHANNELS, { claimId: 'sweep' }, UNTIL, UNTIL + 1)[1]?.claim?.by).toBe(
      'sweep',
    );
  });

  it('keeps the claim of a notice that failed (retried when it ends) and of what waits behind it', () => {
    const outbox = [page(by('sweep')), allClear(by('sweep'))];
    const failedOn = (c: string) => new Set(c === 'sns' ? [page().id] : []);
    const settled = settleClaims(outbox, CHANNELS, { claimId: 'sweep', failedOn }, T0, UNTIL);
    expect(settled).toEqual(outbox);
  });

  it('does not claim what waits behind a notice that failed in this publication', () => {
    const outbox = [page({ ...by('sweep'), sent: ['bus'] }), allClear()];
    const failedOn = (c: string) => new Set(c === 'sns' ? [page().id] : []);
    const settled = settleClaims(outbox, CHANNELS, { claimId: 'sweep', failedOn }, T0, UNTIL);
    // On `bus` the page is out, so the all-clear may go there now.
    expect(settled[1]?.claim?.by).toBe('sweep');
    const nowhere = settleClaims(
      [page(by('sweep')), allClear()],
      CHANNELS,
      { claimId: 'sweep', failedOn: () => new Set([page().id]) },
      T0,
      UNTIL,
    );
    expect(nowhere[1]?.claim).toBeUndefined();
  });
});

describe('the race of issue 20: a Logger back at its deadline', () => {
  const up = upLogger(T0);
  const down = sweepLogger(up, up.deadline, { claimBy: 'sweep' })?.next as Logger;
  const back = phoneHome(down, up.deadline + 5, {}, 30_000, undefined, {
    by: 'heartbeat',
    until: UNTIL,
  }).next;

  it('has the sweeper claim its page and the heartbeat only its all-clear', () => {
    expect(back.outbox.map((n) => [n.kind, n.claim?.by])).toEqual([
      ['LOGGER_SILENT', 'sweep'],
      ['LOGGER_RECOVERED', 'heartbeat'],
    ]);
  });

  it('ends with each notice sent once per channel, the page first, whoever records first', () => {
    // The heartbeat records first: it sent nothing (its all-clear waits) and gives the all-clear up.
    const gaveUp = outboxRecorded(back, [], CHANNELS, { claimId: 'heartbeat' }, up.deadline + 5, UNTIL);
    expect(gaveUp.outbox[1]?.claim).toBeUndefined();
    // The sweeper then records its page on every channel and, in the same write, claims the all-clear.
    const sent = CHANNELS.map((channel) => ({
      channel,
      deliveredIds: [back.outbox[0]?.id ?? ''],
      failedIds: [],
    }));
    const recorded = outboxRecorded(gaveUp, sent, CHANNELS, { claimId: 'sweep' }, up.deadline + 6, UNTIL);
    expect(recorded.outbox.map((n) => [n.kind, n.claim?.by])).toEqual([['LOGGER_RECOVERED', 'sweep']]);
    expect(sendable(recorded.outbox, 'sns', { claimId: 'sweep' }).map((n) => n.kind)).toEqual([
      'LOGGER_RECOVERED',
    ]);
  });
});

describe('a recovery’s silence', () => {
  it('is measured to the deadline the page spoke of when the phone-home was received before it but recorded after the DOWN write', () => {
    const up = upLogger(T0);
    const down = sweepLogger(up, up.deadline)?.next as Logger;
    // Received 1 ms after the last phone-home: a write slowed down past the deadline (it once said "1ms").
    const { notice } = phoneHome(down, T0 + 1);
    expect(notice?.silentForMs).toBe(up.eventTimeoutMs);
  });

  it('is from the last phone-home to this one otherwise', () => {
    const up = upLogger(T0);
    const down = sweepLogger(up, up.deadline)?.next as Logger;
    expect(phoneHome(down, up.deadline + 7 * MINUTE).notice?.silentForMs).toBe(
      up.eventTimeoutMs + 7 * MINUTE,
    );
  });
});
