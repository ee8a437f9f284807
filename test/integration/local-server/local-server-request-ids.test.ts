/**
 * Each request through local mode's server gets its own id — in the `x-request-id` header and on every log
 * line of its invocation — even when requests run concurrently in the one process (the server runs each
 * invocation in its own Lambda InvokeStore context, which Powertools scopes its state to).
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';

// The handlers' Powertools logger reads its level once, at import: it must log here (the suite's is SILENT).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

import { freePort } from '../../../cli/local/dynamo-local.js';
import { startLocalServer } from '../../../cli/local/server.js';
import { createHandler as createHeartbeat } from '../../../functions/heartbeat/handler.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

let listener: TestListener;
let server: Server;
let port: number;

beforeAll(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  port = await freePort();
  server = await startLocalServer({ heartbeat: createHeartbeat(() => listener.runtime) }, port);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await listener.dispose();
});

describe('request ids', () => {
  it('gives each request its own id, in the x-request-id header and on every one of its log lines', async () => {
    const lines: string[] = [];
    const capture = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l.startsWith('{')),
      );
      return true;
    });
    try {
      const tokens: Record<string, string> = {};
      for (const customer of ['geocust2', 'geocust3', 'geocust4', 'geocust5', 'geocust6']) {
        tokens[customer] = (
          await registerLogger(
            listener.runtime.loggers,
            { customer, side: 'B', eventTimeoutMs: 780 * 60_000, transport: 'https' },
            listener.clock.now,
          )
        ).token;
      }
      const ids = await Promise.all(
        Object.entries(tokens).map(async ([customer, token]) => {
          const res = await fetch(`http://127.0.0.1:${port}/v1/heartbeat`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
          });
          expect(res.status).toBe(200);
          return [`${customer}/B`, String(res.headers.get('x-request-id'))] as const;
        }),
      );
      expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
      const logged = lines
        .map((l) => JSON.parse(l) as Record<string, string>)
        .filter((l) => l.message === 'heartbeat');
      expect(logged).toHaveLength(ids.length);
      for (const line of logged) {
        const id = ids.find(([logger]) => logger === line.logger)?.[1];
        expect({
          logger: line.logger,
          request_id: line.request_id,
          function_request_id: line.function_request_id,
        }).toEqual({
          logger: line.logger,
          request_id: id,
          function_request_id: id,
        });
      }
    } finally {
      capture.mockRestore();
    }
  });
});
