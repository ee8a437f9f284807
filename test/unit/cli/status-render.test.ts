/** The `listener status` screen as an operator reads it. */
import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../cli/commands/status.js';

const now = Date.UTC(2026, 10, 24, 17);

describe('renderStatus', () => {
  it("shows the owner's note beside the owner and ticket", () => {
    const text = renderStatus(
      [
        {
          customer: 'geocust1',
          rollup: 'Partial Impaired',
          sides: [
            {
              side: 'A',
              state: 'DOWN',
              silentForMs: 3_600_000,
              ack: { by: 'alice', at: now, ticket: 'INC-4711', note: 'modem reset requested' },
            },
            { side: 'B', state: 'UP', silentForMs: 60_000 },
          ],
        },
      ],
      now,
      'local Listener',
      false,
    );
    expect(text).toContain('alice (INC-4711): modem reset requested');
  });

  it('names whom to call for a late or silent side nobody has acknowledged, and only for those', () => {
    const text = renderStatus(
      [
        {
          customer: 'acme',
          rollup: 'Down',
          sides: [
            { side: 'A', state: 'DOWN', silentForMs: 3_600_000, owner: 'Acme NOC +1 919 555 0100' },
            { side: 'B', state: 'UP', silentForMs: 60_000, owner: 'Acme desk' },
          ],
        },
      ],
      now,
      'local Listener',
      false,
    );
    expect(text).toContain('call Acme NOC +1 919 555 0100');
    expect(text).not.toContain('Acme desk');
  });

  it("says a cron side's schedule and the run it is due for", () => {
    const schedule = {
      kind: 'cron',
      expression: '0 2 * * *',
      timeZone: 'Europe/Berlin',
      graceMs: 3_600_000,
    } as const;
    const text = renderStatus(
      [
        {
          customer: 'backup-db',
          rollup: 'Late',
          sides: [
            {
              side: 'A',
              state: 'LATE',
              silentForMs: 86_400_000,
              cron: { schedule, nextDueAt: now - 60_000 },
            },
          ],
        },
      ],
      now,
      'local Listener',
      false,
    );
    expect(text).toContain('cron 0 2 * * * Europe/Berlin, grace 1h, next due ');
  });
});
