/**
 * A pair's MRSC table keeps the regions it was created with: synth records them the first time and
 * refuses a later change of a replica region or the witness, saying what to do instead (a new pair stage).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildListener } from '../../infra/build.js';
import { checkPairTable } from '../../infra/pair-record.js';
import { loadStage, type StageInput } from '../../infra/stages.js';
import { removeAssemblies, STAGES, testApp } from './synth.js';

const dir = mkdtempSync(join(tmpdir(), 'phl-pair-record-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeAssemblies();
});

const PAIR = STAGES['prod-pair'] as StageInput & { pair: NonNullable<StageInput['pair']> };
const withPair = (pair: Partial<typeof PAIR.pair>) => ({
  'prod-pair': { ...PAIR, pair: { ...PAIR.pair, ...pair } },
});
const config = (stages: Record<string, StageInput>) => loadStage('prod-pair', stages);
let files = 0;
const freshFile = () => join(dir, `pair-tables-${++files}.json`);

describe("a pair's table regions", () => {
  it('are recorded the first time the pair is synthesized, and the same regions pass again', () => {
    const file = freshFile();
    checkPairTable(config(STAGES), file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      'prod-pair': {
        table: 'PhoneHomeListener-prod-pair',
        a: 'us-east-1',
        b: 'us-east-2',
        witness: 'us-west-2',
      },
    });
    expect(() => checkPairTable(config(STAGES), file)).not.toThrow();
  });

  it('may not change: a new witness, a new region or swapped sides is refused with the way to do it', () => {
    const file = freshFile();
    checkPairTable(config(STAGES), file);
    const changes = [
      withPair({ witnessRegion: 'us-east-2', b: { region: 'us-west-2', listenerName: 'GEOCSCLNRB' } }),
      withPair({
        a: { region: 'us-east-2', listenerName: 'GEOCSCLNRA' },
        b: { region: 'us-east-1', listenerName: 'GEOCSCLNRB' },
      }),
    ];
    for (const stages of changes) {
      expect(() => checkPairTable(config(stages), file)).toThrow(
        /^stage "prod-pair": its table PhoneHomeListener-prod-pair was built with side a in us-east-1, side b in us-east-2 and its witness in us-west-2 .* a new pair stage \(e\.g\. "prod-pair2"\).*docs\/deploy\.md#changing-a-pairs-regions.*delete its entry/,
      );
    }
    // The record is not rewritten by a refused synth.
    expect(JSON.parse(readFileSync(file, 'utf8'))['prod-pair'].witness).toBe('us-west-2');
  });

  it('leave single-region stages alone, and a broken record is named', () => {
    const file = freshFile();
    checkPairTable(loadStage('prod', STAGES), file);
    expect(() => readFileSync(file)).toThrow();
    writeFileSync(file, '[1]');
    expect(() => checkPairTable(config(STAGES), file)).toThrow(`${file} is not a JSON object of pair tables`);
  });

  it('are checked by the app before any stack is built', () => {
    const file = freshFile();
    buildListener(testApp(), 'prod-pair', STAGES, 'stages.example.json', file);
    const moved = withPair({
      witnessRegion: 'us-east-2',
      b: { region: 'us-west-2', listenerName: 'GEOCSCLNRB' },
    });
    expect(() => buildListener(testApp(), 'prod-pair', moved, 'stages.json', file)).toThrow(
      /cannot change in place/,
    );
  });
});
