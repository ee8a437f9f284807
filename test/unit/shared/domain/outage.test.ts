import { describe, expect, it } from 'vitest';
import { incidentAction, outageId } from '../../../../shared/domain/notices/outage.js';
import { anOutage } from '../../../support/outage.js';
import { LISTENER, T0, upLogger } from '../../fixtures.js';

describe('an outage id: what paging tools key one incident by', () => {
  const outage = anOutage(upLogger(T0), LISTENER);

  it('is the page’s own notice id, named after the deadline it passed', () => {
    expect(outageId(outage.page)).toBe(outage.page.id);
    expect(outage.page.id).toBe(`geocust1/A#LOGGER_SILENT#${upLogger(T0).deadline}`);
  });

  it('is carried by the all-clear, so its resolve closes the page’s incident', () => {
    expect(outage.allClear.notice.outage).toBe(outage.page.id);
    expect(outageId(outage.allClear)).toBe(outage.page.id);
  });

  it('is shared by a reminder and a blind-customer page: one incident, re-triggered', () => {
    expect(outageId(outage.reminder)).toBe(outage.page.id);
    expect(outageId(outage.blind)).toBe(outage.page.id);
  });

  it('is derived for an all-clear recorded before notices named their outage', () => {
    const { outage: _, ...older } = outage.allClear.notice;
    expect(outageId({ ...outage.allClear, notice: older })).toBe(outage.page.id);
  });

  it('triggers on pages and resolves on the all-clear', () => {
    expect([outage.page, outage.reminder, outage.blind].map(incidentAction)).toEqual([
      'trigger',
      'trigger',
      'trigger',
    ]);
    expect(incidentAction(outage.allClear)).toBe('resolve');
  });
});
