/** In-memory ports for the console's unit tests (the integration and e2e suites use DynamoDB Local). */

import type { ConsoleDeps } from '../../../../shared/console/deps.js';
import { formatLoggerId, type Logger, type LoggerId } from '../../../../shared/domain/logger.js';
import type { AuditEntry, AuditLog } from '../../../../shared/ports/audit-log.js';
import type { LoggerStore } from '../../../../shared/ports/logger-store.js';
import { T0 } from '../../fixtures.js';

export const KEY = Buffer.alloc(32, 7);

export function memoryStore(loggers: Logger[]): LoggerStore {
  const byId = new Map(loggers.map((l) => [formatLoggerId(l), l]));
  const partial: Partial<LoggerStore> = {
    get: async (id: LoggerId) => byId.get(formatLoggerId(id)),
    list: async () => [...byId.values()],
    writeTransition: async (before: Logger, after: Logger) => {
      if (byId.get(formatLoggerId(before)) !== before) return false;
      byId.set(formatLoggerId(after), after);
      return true;
    },
  };
  return partial as LoggerStore;
}

export function memoryAudit(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    append: async (e) => {
      entries.push(e);
    },
    list: async (id, limit) =>
      entries
        .filter((e) => formatLoggerId(e.loggerId) === formatLoggerId(id))
        .reverse()
        .slice(0, limit),
  };
}

export function consoleDeps(loggers: Logger[], clock = { now: T0 }) {
  const used = new Set<string>();
  const audit = memoryAudit();
  const deps: ConsoleDeps = {
    loggers: memoryStore(loggers),
    events: { listEvents: async () => [] },
    audit,
    usedLinks: {
      claim: async (id) => {
        if (used.has(id)) return false;
        used.add(id);
        return true;
      },
    },
    keys: { key: async () => KEY },
    listenerName: 'GEOCSCLNRA',
    now: () => clock.now,
    auth: { mode: 'local' },
  };
  return { deps, audit, clock };
}
