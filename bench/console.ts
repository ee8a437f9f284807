/**
 * How long the console takes, server-side, to render the fleet page for 10,000 Loggers (5,000 duplexed
 * customers in every state), against a baseline measured in the same run: JSON.stringify of the same
 * Loggers (what any answer listing them costs at least). Prints figures; asserts nothing.
 * Run: `node --no-warnings --import tsx bench/console.ts`.
 */
import { performance } from 'node:perf_hooks';
import { fleetView } from '../shared/console/fleet-view.js';
import { fleetBody } from '../shared/console/pages/fleet.js';
import { page } from '../shared/console/pages/layout.js';
import { type Logger, newLogger } from '../shared/domain/logger.js';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 24, 12);
const CUSTOMERS = 5_000;
const RUNS = 15;

function fleet(): Logger[] {
  const loggers: Logger[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    for (const side of ['A', 'B'] as const) {
      const base = newLogger(
        { customer: `cust${c}`, side },
        { eventTimeoutMs: 780 * MINUTE, heartbeatIntervalMs: 720 * MINUTE, transport: 'https' },
        NOW - 3 * 86_400_000,
      );
      const kind = (c * 2 + (side === 'A' ? 0 : 1)) % 20;
      const lastSeenAt = NOW - (kind === 0 ? 900 : kind === 1 ? 750 : 30) * MINUTE;
      const arrivals = Array.from({ length: 20 }, (_, i) => lastSeenAt - i * 720 * MINUTE).reverse();
      loggers.push({
        ...base,
        state: kind === 0 ? 'DOWN' : kind === 2 ? 'PAUSED' : 'UP',
        lastSeenAt,
        deadline: lastSeenAt + 780 * MINUTE,
        arrivals,
        ...(kind === 0 ? { downSince: NOW - 120 * MINUTE, ack: { by: 'alice', at: NOW - MINUTE } } : {}),
      });
    }
  }
  return loggers;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(run: () => unknown): { ms: number; result: unknown } {
  const samples: number[] = [];
  let result: unknown;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    result = run();
    samples.push(performance.now() - started);
  }
  return { ms: median(samples), result };
}

const loggers = fleet();
const baseline = time(() => JSON.stringify(loggers));
const render = time(
  () =>
    page({
      title: 'Fleet',
      listener: 'BENCH',
      viewer: { user: 'alice', csrf: 'x'.repeat(43) },
      section: 'fleet',
      body: fleetBody(fleetView(loggers, NOW)),
    }).text,
);
const html = String(render.result);
console.log(
  `Console fleet page, ${loggers.length} Loggers (${CUSTOMERS} customers), median of ${RUNS} runs:`,
);
console.log('| what | median | ratio to baseline | output |');
console.log('| --- | --- | --- | --- |');
console.log(
  `| baseline: JSON.stringify(Loggers) | ${baseline.ms.toFixed(1)} ms | 1.0 | ${(String(baseline.result).length / 1e6).toFixed(1)} MB |`,
);
console.log(
  `| fleet view + HTML page | ${render.ms.toFixed(1)} ms | ${(render.ms / baseline.ms).toFixed(1)} | ${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB HTML |`,
);
