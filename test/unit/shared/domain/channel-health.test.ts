/** How the Listener records its notification channels' health (shared/domain/notices/channel-health.ts). */
import { describe, expect, it } from 'vitest';
import { channelStatusLines } from '../../../../cli/commands/status.js';
import { checkChannels } from '../../../../shared/domain/doctor.js';
import {
  type ChannelHealthRecord,
  type ChannelObservation,
  channelTroubles,
  emptyHealth,
  observeChannels,
} from '../../../../shared/domain/notices/channel-health.js';

const MINUTE = 60_000;
const t0 = Date.UTC(2026, 11, 7, 14, 2);
const seen = (entries: Record<string, ChannelObservation>) => new Map(Object.entries(entries));
const refused = { at: t0, status: 400, excerpt: 'invalid_token', notification: 'geocust1/A#LOGGER_SILENT#1' };

/** The record after each sweep's observations, as a sweep would write it (unchanged: no write). */
function afterSweeps(...sweeps: Record<string, ChannelObservation>[]) {
  let record: ChannelHealthRecord = emptyHealth('GEOCSCLNRA');
  const writes: (readonly string[])[] = [];
  for (const s of sweeps) {
    const change = observeChannels(record, seen(s));
    if (!change) continue;
    record = change.next;
    writes.push(change.rejecting);
  }
  return { record, writes };
}

describe('the channel-health record', () => {
  it('is written when a channel starts failing and when it recovers, not while it keeps failing', () => {
    const failing = { failure: { at: t0, reason: 'the receiver answered 503' } };
    const { record, writes } = afterSweeps(
      { pd: { deliveredAt: t0 - MINUTE } },
      { pd: failing },
      { pd: { failure: { at: t0 + MINUTE, reason: 'no answer within the timeout' } } },
      { pd: { failure: { at: t0 + 2 * MINUTE, reason: 'the receiver answered 503' } } },
    );
    expect(writes).toHaveLength(2); // first seen working, then failing: the repeats change nothing
    expect(record.channels.pd).toEqual({
      lastSuccessAt: t0 - MINUTE,
      failing: { since: t0, reason: 'the receiver answered 503' },
    });
    const back = observeChannels(record, seen({ pd: { deliveredAt: t0 + 3 * MINUTE } }));
    expect(back?.next.channels.pd).toEqual({ lastSuccessAt: t0 + 3 * MINUTE });
  });

  it('costs no write for a healthy channel delivering again and again', () => {
    const { writes } = afterSweeps(
      { chat: { deliveredAt: t0 } },
      { chat: { deliveredAt: t0 + MINUTE } },
      { chat: { deliveredAt: t0 + 2 * MINUTE } },
    );
    expect(writes).toHaveLength(1);
  });

  it('counts a failure after a delivery in the same sweep as failing, a delivery after it as recovered', () => {
    const failure = { at: t0 + 1, reason: 'the receiver answered 500' };
    expect(
      observeChannels(emptyHealth('L'), seen({ pd: { deliveredAt: t0, failure } }))?.next.channels.pd,
    ).toMatchObject({ failing: { since: t0 + 1 } });
    const record = afterSweeps({ pd: { failure } }).record;
    expect(observeChannels(record, seen({ pd: { failure, deliveredAt: t0 + 2 } }))?.next.channels.pd).toEqual(
      {
        lastSuccessAt: t0 + 2,
      },
    );
  });

  it('names a channel to tell ops about once, when its refusals begin, not per notice refused', () => {
    const second = { ...refused, at: t0 + MINUTE, notification: 'geocust2/B#LOGGER_SILENT#2' };
    const { record, writes } = afterSweeps(
      { chat: { rejection: refused } },
      { chat: { rejection: refused } },
      { chat: { rejection: second } },
    );
    expect(writes).toEqual([['chat'], []]);
    expect(record.channels.chat?.rejection).toEqual(second);
    // Delivering again ends the refusal: a later one is news again.
    const fixed = observeChannels(record, seen({ chat: { deliveredAt: t0 + 2 * MINUTE } }));
    expect(fixed?.next.channels.chat).toEqual({ lastSuccessAt: t0 + 2 * MINUTE });
    const again = observeChannels(
      fixed?.next ?? record,
      seen({ chat: { rejection: { ...refused, at: t0 + 3 * MINUTE } } }),
    );
    expect(again?.rejecting).toEqual(['chat']);
  });
});

describe('a channel in trouble', () => {
  const failing = afterSweeps({ pd: { failure: { at: t0, reason: 'the receiver answered 503' } } }).record;

  it('is shown once it has failed for more than two sweep periods', () => {
    expect(channelTroubles(failing, t0 + 2 * MINUTE, MINUTE)).toEqual([]);
    expect(channelStatusLines(failing, t0 + 3 * MINUTE, MINUTE)).toEqual([
      '! channel pd failing since 2026-12-07 14:02:00Z (3m ago) (3 sweeps): the receiver answered 503',
    ]);
  });

  it('is shown as soon as it refused a notice for good, the answer neutralised for the terminal', () => {
    const record = afterSweeps({ chat: { rejection: { ...refused, excerpt: 'bad\u001b[2Jkey' } } }).record;
    const [line] = channelStatusLines(record, t0 + MINUTE, MINUTE);
    expect(line).toMatch(
      /^! channel chat refused a notice for good at 2026-12-07 14:02:00Z \(1m ago\): 400 bad.*key — fix its URL\/key/,
    );
    expect(line).not.toContain('\u001b');
  });

  it('is a doctor finding (exit 1), with what to do', () => {
    const findings = checkChannels(failing, t0 + 3 * MINUTE, MINUTE);
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'channel', severity: 'error', subject: 'channel pd' }),
    ]);
    expect(findings[0]?.message).toContain('failing for 3m (3 sweeps): the receiver answered 503');
    expect(checkChannels(failing, t0 + MINUTE, MINUTE)).toEqual([]);
  });
});
