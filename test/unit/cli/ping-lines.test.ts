/** What `listener logger show` and `listener status` say about a job behind a ping URL: running since when, its last run. */
import { describe, expect, it } from 'vitest';
import { pingJson, pingLines } from '../../../cli/commands/ping-lines.js';
import { renderStatus } from '../../../cli/commands/status.js';
import { startRun } from '../../../shared/domain/pings/ping-transitions.js';
import { phoneHome } from '../../../shared/domain/transitions.js';
import { MINUTE, T0, upLogger } from '../fixtures.js';

const RID = '6f1c1e2a-8a3b-4c5d-9e0f-1a2b3c4d5e6f';

describe('a ping URL job', () => {
  it('running: logger show says since when, and --json carries the open runs', () => {
    const running = startRun(upLogger(T0), T0 + 2 * MINUTE, RID).next;
    const lines = Object.fromEntries(pingLines({ logger: running, pingHash: 'h' }, T0 + 5 * MINUTE));
    expect(lines['Running since']).toBe('2026-11-24 17:02:00Z (3m ago), not finished yet');
    expect(pingJson({ logger: running, pingHash: 'h' })).toMatchObject({
      startedAt: '2026-11-24T17:02:00.000Z',
      runs: [{ startedAt: '2026-11-24T17:02:00.000Z', rid: RID }],
      lastRun: null,
    });
  });

  it('finished: logger show gives the last run and how long it took', () => {
    const running = startRun(upLogger(T0), T0 + 2 * MINUTE, RID).next;
    const done = phoneHome(running, T0 + 44 * MINUTE, { runId: RID }).next;
    const lines = Object.fromEntries(pingLines({ logger: done, pingHash: 'h' }, T0 + 45 * MINUTE));
    expect(lines['Running since']).toBeUndefined();
    expect(lines['Last run']).toBe('42m, finished 2026-11-24 17:44:00Z (1m ago)');
    expect(pingJson({ logger: done, pingHash: 'h' }).lastRun).toMatchObject({ durationMs: 42 * MINUTE });
  });

  it('status notes a side that is running, with since when', () => {
    const text = renderStatus(
      [
        {
          customer: 'backup',
          rollup: 'OK',
          sides: [{ side: 'A', state: 'UP', silentForMs: MINUTE, runningSince: T0 }],
        },
      ],
      T0 + 5 * MINUTE,
      'local Listener',
      false,
    );
    expect(text).toContain('running since 2026-11-24 17:00:00Z (5m ago)');
  });
});
