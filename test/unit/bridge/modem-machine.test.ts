import { describe, expect, it } from 'vitest';
import {
  initialState,
  type ModemAction,
  type ModemEvent,
  type ModemSettings,
  type ModemState,
  step,
} from '../../../bridge/modem/machine.js';
import { formatRecord, type PhoneHomeRecord } from '../../../bridge/record.js';

const settings: ModemSettings = {
  init: ['ATZ', 'ATE0', 'ATS0=0'],
  resetCommand: 'ATZ',
  answerAfterRings: 1,
  connectTimeoutMs: 60_000,
  idleTimeoutMs: 120_000,
  probeEveryMs: 300_000,
  commandTimeoutMs: 5_000,
  guardTimeMs: 1_000,
  resetRetryMs: 60_000,
};

const record: PhoneHomeRecord = {
  id: 'hb-1',
  type: 'heartbeat',
  customer: 'geocust1',
  side: 'A',
  at: '2026-11-04T10:15:00Z',
  intervalMinutes: 720,
};

/** Drives the machine with a fixed clock the test moves by hand. */
class Session {
  state: ModemState = initialState();
  now = 1_000_000;
  actions: ModemAction[] = [];

  constructor(private readonly s: ModemSettings = settings) {}

  send(event: ModemEvent): ModemAction[] {
    const result = step(this.state, event, this.now, this.s);
    this.state = result.state;
    this.actions.push(...result.actions);
    return [...result.actions];
  }
  line(text: string): ModemAction[] {
    return this.send({ type: 'line', text });
  }
  /** Moves the clock to the armed timer and fires it. */
  fire(): ModemAction[] {
    expect(this.state.timerAt).not.toBeNull();
    this.now = this.state.timerAt as number;
    return this.send({ type: 'timer' });
  }
  writes(actions: ModemAction[]): string[] {
    return actions.flatMap((a) => (a.type === 'write' ? [a.data] : []));
  }
  /** Start + OK to every init string. */
  ready(): void {
    this.send({ type: 'start' });
    for (let i = 0; i < this.s.init.length; i++) this.line('OK');
    expect(this.state.phase.name).toBe('idle');
  }
  /** RING, ATA, CONNECT 33600. */
  connect(): string {
    expect(this.writes(this.line('RING'))).toEqual(['ATA\r']);
    this.line('CONNECT 33600');
    expect(this.state.phase.name).toBe('online');
    return this.state.call?.id as string;
  }
}

describe('modem state machine', () => {
  it('sends each init string only after the previous one answered OK', () => {
    const m = new Session();
    expect(m.writes(m.send({ type: 'start' }))).toEqual(['ATZ\r']);
    expect(m.writes(m.line('ATZ'))).toEqual([]); // echo before ATE0 is ignored
    expect(m.writes(m.line('OK'))).toEqual(['ATE0\r']);
    expect(m.writes(m.line('ERROR'))).toEqual(['ATS0=0\r']); // an ERROR is logged, not fatal
    expect(m.actions).toContainEqual(expect.objectContaining({ type: 'log', level: 'warn' }));
    m.line('OK');
    expect(m.state.phase.name).toBe('idle');
    expect(m.state.timerAt).toBe(m.now + settings.probeEveryMs);
  });

  it('answers RING with ATA and ACKs each good record once it is stored', () => {
    const m = new Session();
    m.ready();
    const callId = m.connect();
    expect(m.state.call?.speed).toBe(33600);
    const actions = m.line(formatRecord(record));
    expect(actions).toContainEqual({ type: 'store', callId, record });
    expect(m.writes(actions)).toEqual([]); // not ACKed before it is on disk
    expect(m.writes(m.send({ type: 'stored', callId, id: 'hb-1', ok: true }))).toEqual(['ACK hb-1\r\n']);
    expect(m.state.stats.records).toBe(1);
  });

  it('hangs up with ATH after NO CARRIER and is idle again after OK', () => {
    const m = new Session();
    m.ready();
    m.connect();
    const actions = m.line('NO CARRIER');
    expect(m.writes(actions)).toEqual(['ATH\r']);
    expect(actions).toContainEqual(expect.objectContaining({ type: 'callEnded', reason: 'NO CARRIER' }));
    m.line('OK');
    expect(m.state.phase.name).toBe('idle');
    expect(m.state.stats).toMatchObject({ calls: 1, lastCallEnd: 'NO CARRIER' });
  });

  it('NAKs a record with a bad checksum and stores nothing', () => {
    const m = new Session();
    m.ready();
    m.connect();
    const bad = formatRecord(record).replace('geocust1', 'geocust9');
    const actions = m.line(bad);
    expect(m.writes(actions)).toEqual(['NAK checksum\r\n']);
    expect(actions.some((a) => a.type === 'store')).toBe(false);
    expect(m.state.stats.naks).toBe(1);
  });

  it('NAKs garbage and over-long lines while online, and ignores them while idle', () => {
    const m = new Session();
    m.ready();
    expect(m.writes(m.line('\u0000\u00ff~~garbage'))).toEqual([]);
    expect(m.writes(m.send({ type: 'overflow' }))).toEqual([]);
    m.connect();
    expect(m.writes(m.line('\u0000\u00ff~~garbage'))).toEqual(['NAK format\r\n']);
    expect(m.writes(m.send({ type: 'overflow' }))).toEqual(['NAK too-long\r\n']);
    expect(m.state.phase.name).toBe('online');
  });

  it('does not ACK a record stored after its call ended', () => {
    const m = new Session();
    m.ready();
    const callId = m.connect();
    m.line(formatRecord(record));
    m.line('NO CARRIER');
    expect(m.writes(m.send({ type: 'stored', callId, id: 'hb-1', ok: true }))).toEqual([]);
  });

  it('NAKs a record the spool could not store', () => {
    const m = new Session();
    m.ready();
    const callId = m.connect();
    m.line(formatRecord(record));
    expect(m.writes(m.send({ type: 'stored', callId, id: 'hb-1', ok: false }))).toEqual(['NAK spool\r\n']);
  });

  it('on an idle call waits the guard time, sends +++, waits again, then ATH', () => {
    const m = new Session();
    m.ready();
    m.connect();
    const start = m.now;
    expect(m.writes(m.fire())).toEqual([]); // idle timeout: silence for the guard time first
    expect(m.now - start).toBe(settings.idleTimeoutMs);
    expect(m.state.phase).toEqual({ name: 'escape', stage: 'guard' });
    expect(m.writes(m.fire())).toEqual(['+++']);
    expect(m.writes(m.line('OK'))).toEqual(['ATH\r']);
    m.line('OK');
    expect(m.state.phase.name).toBe('idle');
    expect(m.state.stats.lastCallEnd).toBe('idle timeout');
  });

  it('a received line restarts the idle timeout', () => {
    const m = new Session();
    m.ready();
    m.connect();
    m.now += 100_000;
    m.line(formatRecord(record));
    expect(m.state.timerAt).toBe(m.now + settings.idleTimeoutMs);
  });

  it('hangs up when DCD drops mid-call', () => {
    const m = new Session();
    m.ready();
    m.connect();
    expect(m.writes(m.send({ type: 'dcd', up: false }))).toEqual(['ATH\r']);
    expect(m.state.stats.lastCallEnd).toBe('carrier lost (DCD)');
  });

  it('goes back to idle when the answer fails, and hangs up when CONNECT never comes', () => {
    const m = new Session();
    m.ready();
    m.line('RING');
    m.line('NO CARRIER');
    expect(m.state.phase.name).toBe('idle');
    m.line('RING');
    expect(m.writes(m.fire())).toEqual(['ATH\r']);
    expect(m.state.stats.failedCalls).toBe(2);
  });

  it('answers after the configured number of rings', () => {
    const m = new Session({ ...settings, answerAfterRings: 2 });
    m.ready();
    expect(m.writes(m.line('RING'))).toEqual([]);
    m.now += 6_000;
    expect(m.writes(m.line('RING'))).toEqual(['ATA\r']);
  });

  it('probes an idle modem with AT and stays idle when it answers OK', () => {
    const m = new Session();
    m.ready();
    expect(m.writes(m.fire())).toEqual(['AT\r']);
    m.line('OK');
    expect(m.state.phase.name).toBe('idle');
    expect(m.state.stats.hungModem).toBe(0);
  });

  it('resets a modem that stops answering AT, reports it, and re-initialises it', () => {
    const m = new Session();
    m.ready();
    m.fire(); // AT
    const actions = m.fire(); // no OK within the command timeout
    expect(m.writes(actions)).toEqual(['ATZ\r']);
    expect(actions).toContainEqual(expect.objectContaining({ type: 'log', level: 'error' }));
    expect(m.state.stats.hungModem).toBe(1);
    expect(m.writes(m.line('OK'))).toEqual(['ATZ\r']); // re-init starts with init[0]
    expect(m.state.stats.resets).toBe(1);
    m.line('OK');
    m.line('OK');
    m.line('OK');
    expect(m.state.phase.name).toBe('idle');
  });

  it('keeps retrying the reset of a dead modem every resetRetry', () => {
    const m = new Session();
    m.send({ type: 'start' });
    expect(m.writes(m.fire())).toEqual(['ATZ\r']); // init got no answer: hung
    expect(m.writes(m.fire())).toEqual([]); // reset got no answer: wait
    const waitStart = m.now;
    expect(m.writes(m.fire())).toEqual(['ATZ\r']);
    expect(m.now - waitStart).toBe(settings.resetRetryMs);
  });

  it('ignores a timer that fires early (stale timer)', () => {
    const m = new Session();
    m.ready();
    const before = m.state;
    m.now = (m.state.timerAt as number) - 1;
    expect(m.send({ type: 'timer' })).toEqual([]);
    expect(m.state).toBe(before);
  });

  it('answers RING that arrives while an AT probe is outstanding', () => {
    const m = new Session();
    m.ready();
    m.fire();
    expect(m.writes(m.line('RING'))).toEqual(['ATA\r']);
  });
});
