/**
 * Bulk fleet management as a user runs it against `listener local`: import a CSV, phone home with a token
 * from the tokens file, export, re-import (nothing changes), and see the fleet in `listener status`.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_LOCAL, type LocalListener, runCli, startLocalListener } from '../support/cli.js';

let listener: LocalListener;
beforeAll(async () => {
  listener = await startLocalListener(FAST_LOCAL);
});
afterAll(() => listener?.stop());

const cli = (...args: string[]) => runCli([...args, '--dir', listener.dir]);

describe('listener logger import | export', () => {
  it('round-trips: import, phone home with an imported token, export, re-import changes nothing', async () => {
    const csv = join(listener.dir, 'fleet.csv');
    const tokensFile = join(listener.dir, 'tokens.csv');
    writeFileSync(
      csv,
      'customer,side,timeout,interval,transport\nacme,A,780m,720m,https\nacme,B,780m,,modem\nbeta,A,2s,1s,https\n',
    );
    const imported = await cli('logger', 'import', csv, '--tokens-out', tokensFile);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('3 registered');
    expect(statSync(tokensFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokensFile, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('acme/A,'))
      ?.split(',')[1];
    const beat = await fetch(`${listener.apiUrl}/v1/heartbeat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(beat.status).toBe(200);

    const exported = await cli('logger', 'export');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(
      'customer,side,timeout,interval,transport,phone,import_system,backup_phone,backup_import_system\n' +
        'acme,A,780m,720m,https,,,,\nacme,B,780m,720m,modem,,,,\nbeta,A,2s,1s,https,,,,\n',
    );
    writeFileSync(join(listener.dir, 'exported.csv'), exported.stdout);
    const again = await cli('logger', 'import', join(listener.dir, 'exported.csv'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to change: the 3 Loggers');

    // beta/A (2s timeout, never heard from) goes DOWN: status counts it and lists its customer, not acme.
    await listener.waitFor((out) => out.includes('ALARM beta/A'), 20_000);
    const status = await cli('status');
    expect(status.stdout).toContain('3 Loggers: 3 watched (0 overdue, 1 DOWN), 0 paused');
    expect(status.stdout).toMatch(/^beta\s+Down\s+A\s+DOWN/m);
    expect(status.stdout).not.toMatch(/^acme/m);
    const counts = await cli('status', '--counts', '--json');
    expect(JSON.parse(counts.stdout)).toEqual({ total: 3, watched: 3, overdue: 0, down: 1, paused: 0 });
  });
});
