/**
 * The modem session as a pure state machine: `step(state, event, now)` returns the next state and the
 * actions to perform (write bytes, store a record, log). No I/O, no clock: the adapter feeds lines, timer
 * expiries and DCD changes, performs the actions, and arms one timer at `state.timerAt`.
 *
 *   init ──OK…──▶ idle ──RING──▶ answering ──CONNECT──▶ online ──NO CARRIER / DCD loss──▶ hangup ──OK──▶ idle
 *    ▲             │ ▲ probe AT      │ timeout/NO CARRIER   │ idle timeout
 *    │             ▼ │ OK            ▼                      ▼
 *    │           probing ──no OK──▶ resetting ◀──────── escape (guard, +++, guard) ──▶ hangup
 *    └──────────────── OK ◀────────────┘   (hung modem: reset command, re-init)
 */
import { type ParseResult, type PhoneHomeRecord, parseRecord } from '../record.js';

export interface ModemSettings {
  /** Sent in order at start and after every reset, each waiting for `OK` (an `ERROR` is logged and skipped). */
  readonly init: readonly string[];
  /** Sent when the modem stops answering, e.g. `ATZ`. */
  readonly resetCommand: string;
  readonly answerAfterRings: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly probeEveryMs: number;
  readonly commandTimeoutMs: number;
  readonly guardTimeMs: number;
  readonly resetRetryMs: number;
}

export type Phase =
  | { readonly name: 'stopped' }
  | { readonly name: 'init'; readonly step: number }
  | { readonly name: 'idle' }
  | { readonly name: 'probing' }
  | { readonly name: 'answering' }
  | { readonly name: 'online' }
  | { readonly name: 'escape'; readonly stage: 'guard' | 'wait-ok' }
  | { readonly name: 'hangup'; readonly attempts: number }
  | { readonly name: 'resetting'; readonly waiting: boolean };

export type PhaseName = Phase['name'];

export interface CallInfo {
  readonly id: string;
  readonly startedAt: number;
  readonly speed?: number;
  readonly records: number;
  readonly naks: number;
}

export interface PortStats {
  readonly rings: number;
  /** Calls answered with a CONNECT. */
  readonly calls: number;
  /** Answers that failed (no CONNECT, or NO CARRIER during the handshake). */
  readonly failedCalls: number;
  /** Records stored and ACKed. */
  readonly records: number;
  readonly naks: number;
  /** Times the modem stopped answering (the reference note's hung modem). */
  readonly hungModem: number;
  /** Successful resets. */
  readonly resets: number;
  readonly lastCallAt?: number;
  readonly lastCallEnd?: string;
  readonly lastRecordAt?: number;
  /** Last time the modem answered a command with OK. */
  readonly lastOkAt?: number;
}

export interface ModemState {
  readonly phase: Phase;
  /** When the adapter must deliver a `timer` event; `null` = no timer. */
  readonly timerAt: number | null;
  readonly ringCount: number;
  readonly lastRingAt: number | null;
  readonly call: CallInfo | null;
  readonly callSeq: number;
  readonly stats: PortStats;
}

export type ModemEvent =
  | { readonly type: 'start' }
  | { readonly type: 'stop' }
  | { readonly type: 'line'; readonly text: string }
  | { readonly type: 'overflow' }
  | { readonly type: 'timer' }
  | { readonly type: 'dcd'; readonly up: boolean }
  | { readonly type: 'stored'; readonly callId: string; readonly id: string; readonly ok: boolean };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type ModemAction =
  | { readonly type: 'write'; readonly data: string }
  | { readonly type: 'store'; readonly callId: string; readonly record: PhoneHomeRecord }
  | {
      readonly type: 'callEnded';
      readonly call: CallInfo;
      readonly reason: string;
      readonly durationMs: number;
    }
  | { readonly type: 'log'; readonly level: LogLevel; readonly message: string };

export interface StepResult {
  readonly state: ModemState;
  readonly actions: readonly ModemAction[];
}

const EMPTY_STATS: PortStats = {
  rings: 0,
  calls: 0,
  failedCalls: 0,
  records: 0,
  naks: 0,
  hungModem: 0,
  resets: 0,
};

export function initialState(): ModemState {
  return {
    phase: { name: 'stopped' },
    timerAt: null,
    ringCount: 0,
    lastRingAt: null,
    call: null,
    callSeq: 0,
    stats: EMPTY_STATS,
  };
}

/** Rings further apart than this start a new count (a ring cadence is 6 s). */
const RING_GAP_MS = 10_000;
const FAILED_CALL = /^(NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|NO DIAL TONE|ERROR)$/;
const CONNECT = /^CONNECT(?:\s+(\d+))?/;

const cmd = (command: string): ModemAction => ({ type: 'write', data: `${command}\r` });
const log = (level: LogLevel, message: string): ModemAction => ({ type: 'log', level, message });
/** A modem result code, normalised: `OK`, `RING`, `CONNECT 33600` … */
const result = (text: string): string => text.trim().toUpperCase();

/** Advances the session. Pure: the same inputs give the same outputs. */
export function step(state: ModemState, event: ModemEvent, now: number, s: ModemSettings): StepResult {
  const actions: ModemAction[] = [];
  let next: ModemState = state;
  const set = (patch: Partial<ModemState>): void => {
    next = { ...next, ...patch };
  };
  const stats = (patch: Partial<PortStats>): void => {
    next = { ...next, stats: { ...next.stats, ...patch } };
  };

  const goInit = (): void => {
    if (s.init.length === 0) {
      goIdle();
      return;
    }
    set({ phase: { name: 'init', step: 0 }, timerAt: now + s.commandTimeoutMs });
    actions.push(cmd(s.init[0] as string));
  };
  const goIdle = (): void => {
    set({ phase: { name: 'idle' }, timerAt: now + s.probeEveryMs, ringCount: 0 });
  };
  const goReset = (why: string): void => {
    stats({ hungModem: next.stats.hungModem + 1 });
    actions.push(log('error', `hung modem: ${why}; resetting with ${s.resetCommand}`));
    set({ phase: { name: 'resetting', waiting: false }, timerAt: now + s.commandTimeoutMs });
    actions.push(cmd(s.resetCommand));
  };
  const goHangup = (): void => {
    set({ phase: { name: 'hangup', attempts: 1 }, timerAt: now + s.commandTimeoutMs });
    actions.push(cmd('ATH'));
  };
  const answer = (): void => {
    set({ phase: { name: 'answering' }, timerAt: now + s.connectTimeoutMs, ringCount: 0 });
    actions.push(log('info', 'RING: answering'), cmd('ATA'));
  };
  const onRing = (): void => {
    const count = next.lastRingAt !== null && now - next.lastRingAt <= RING_GAP_MS ? next.ringCount + 1 : 1;
    set({ ringCount: count, lastRingAt: now });
    stats({ rings: next.stats.rings + 1 });
    if (count >= s.answerAfterRings) answer();
  };
  const goOnline = (speedText: string | undefined): void => {
    const callSeq = next.callSeq + 1;
    const call: CallInfo = {
      id: `call-${callSeq}`,
      startedAt: now,
      ...(speedText ? { speed: Number(speedText) } : {}),
      records: 0,
      naks: 0,
    };
    set({ phase: { name: 'online' }, timerAt: now + s.idleTimeoutMs, call, callSeq });
    stats({ calls: next.stats.calls + 1, lastCallAt: now });
    actions.push(log('info', `CONNECT${speedText ? ` ${speedText}` : ''}: reading records`));
  };
  const endCall = (reason: string): void => {
    const call = next.call;
    if (call) {
      actions.push({ type: 'callEnded', call, reason, durationMs: now - call.startedAt });
      actions.push(
        log(
          'info',
          `call ended (${reason}) after ${Math.round((now - call.startedAt) / 1000)}s: ${call.records} records, ${call.naks} NAK`,
        ),
      );
    }
    set({ call: null });
    stats({ lastCallEnd: reason });
  };
  const nak = (code: string, detail?: string): void => {
    actions.push({ type: 'write', data: `NAK ${code}${detail ? ` ${detail}` : ''}\r\n` });
    stats({ naks: next.stats.naks + 1 });
    if (next.call) set({ call: { ...next.call, naks: next.call.naks + 1 } });
  };

  const phase = state.phase;

  if (event.type === 'start') {
    actions.push(log('info', 'initialising modem'));
    goInit();
    return { state: next, actions };
  }
  if (event.type === 'stop') {
    if (state.call) endCall('bridge stopping');
    set({ phase: { name: 'stopped' }, timerAt: null });
    return { state: next, actions };
  }
  if (phase.name === 'stopped') return { state, actions };

  if (event.type === 'stored') {
    const call = next.call;
    if (phase.name === 'online' && call && call.id === event.callId) {
      if (event.ok) {
        actions.push({ type: 'write', data: `ACK ${event.id}\r\n` });
        stats({ records: next.stats.records + 1, lastRecordAt: now });
        set({ call: { ...call, records: call.records + 1 } });
      } else {
        nak('spool');
      }
    } else if (event.ok) {
      stats({ records: next.stats.records + 1, lastRecordAt: now });
      actions.push(
        log('warn', `record ${event.id} was spooled after its call ended; not ACKed, the Logger resends it`),
      );
    }
    return { state: next, actions };
  }

  if (event.type === 'timer') {
    if (state.timerAt === null || now < state.timerAt) return { state, actions };
    switch (phase.name) {
      case 'init':
        goReset(`no answer to init string ${s.init[phase.step] ?? ''}`);
        break;
      case 'idle':
        set({ phase: { name: 'probing' }, timerAt: now + s.commandTimeoutMs });
        actions.push(cmd('AT'));
        break;
      case 'probing':
        goReset('no answer to the AT probe');
        break;
      case 'answering':
        stats({ failedCalls: next.stats.failedCalls + 1 });
        actions.push(log('warn', 'no CONNECT within the connect timeout; hanging up'));
        goHangup();
        break;
      case 'online':
        endCall('idle timeout');
        set({ phase: { name: 'escape', stage: 'guard' }, timerAt: now + s.guardTimeMs });
        break;
      case 'escape':
        if (phase.stage === 'guard') {
          actions.push({ type: 'write', data: '+++' });
          set({
            phase: { name: 'escape', stage: 'wait-ok' },
            timerAt: now + s.guardTimeMs + s.commandTimeoutMs,
          });
        } else {
          goHangup();
        }
        break;
      case 'hangup':
        if (phase.attempts < 2) {
          set({ phase: { name: 'hangup', attempts: phase.attempts + 1 }, timerAt: now + s.commandTimeoutMs });
          actions.push(cmd('ATH'));
        } else {
          goReset('no answer to ATH');
        }
        break;
      case 'resetting':
        if (phase.waiting) {
          set({ phase: { name: 'resetting', waiting: false }, timerAt: now + s.commandTimeoutMs });
          actions.push(cmd(s.resetCommand));
        } else {
          actions.push(
            log(
              'error',
              `modem still not answering after ${s.resetCommand}; retrying in ${s.resetRetryMs / 1000}s`,
            ),
          );
          set({ phase: { name: 'resetting', waiting: true }, timerAt: now + s.resetRetryMs });
        }
        break;
    }
    return { state: next, actions };
  }

  if (event.type === 'dcd') {
    if (!event.up && phase.name === 'online') {
      endCall('carrier lost (DCD)');
      goHangup();
    }
    return { state: next, actions };
  }

  if (event.type === 'overflow') {
    if (phase.name === 'online') {
      set({ timerAt: now + s.idleTimeoutMs });
      nak('too-long');
    } else {
      actions.push(log('warn', 'discarded an over-long line of line noise'));
    }
    return { state: next, actions };
  }

  // A line.
  const text = event.text;
  const code = result(text);
  if (code === '') return { state, actions };

  switch (phase.name) {
    case 'init':
      if (code === 'OK' || code === 'ERROR') {
        if (code === 'ERROR')
          actions.push(log('warn', `modem answered ERROR to init string ${s.init[phase.step] ?? ''}`));
        stats({ lastOkAt: now });
        const nextStep = phase.step + 1;
        if (nextStep >= s.init.length) {
          actions.push(log('info', 'modem ready, waiting for RING'));
          goIdle();
        } else {
          set({ phase: { name: 'init', step: nextStep }, timerAt: now + s.commandTimeoutMs });
          actions.push(cmd(s.init[nextStep] as string));
        }
      }
      break;
    case 'idle':
    case 'probing':
      if (code === 'OK') {
        stats({ lastOkAt: now });
        if (phase.name === 'probing') goIdle();
      } else if (code === 'RING') {
        onRing();
      } else if (CONNECT.test(code)) {
        actions.push(log('warn', 'CONNECT without ATA: is the modem set to auto-answer (ATS0=0 expected)?'));
        goOnline(CONNECT.exec(code)?.[1]);
      } else if (!code.startsWith('AT')) {
        actions.push(log('debug', `ignored line while idle (${text.length} chars)`));
      }
      break;
    case 'answering': {
      const connect = CONNECT.exec(code);
      if (connect) {
        goOnline(connect[1]);
      } else if (FAILED_CALL.test(code)) {
        stats({ failedCalls: next.stats.failedCalls + 1 });
        actions.push(log('warn', `call failed during answer: ${code}`));
        goIdle();
      }
      break;
    }
    case 'online': {
      if (code === 'NO CARRIER') {
        endCall('NO CARRIER');
        goHangup();
        break;
      }
      set({ timerAt: now + s.idleTimeoutMs });
      const parsed: ParseResult = parseRecord(text);
      if (parsed.ok) {
        actions.push({ type: 'store', callId: (next.call as CallInfo).id, record: parsed.record });
      } else {
        nak(parsed.code, parsed.code === 'field' ? parsed.detail.split(' ')[0] : undefined);
        actions.push(log('warn', `NAK ${parsed.code}: ${parsed.detail}`));
      }
      break;
    }
    case 'escape':
      if (phase.stage === 'wait-ok' && (code === 'OK' || code === 'NO CARRIER')) goHangup();
      break;
    case 'hangup':
      if (code === 'OK') {
        stats({ lastOkAt: now });
        goIdle();
      }
      break;
    case 'resetting':
      if (code === 'OK') {
        stats({ resets: next.stats.resets + 1, lastOkAt: now });
        actions.push(log('warn', `modem answered ${s.resetCommand}; re-initialising`));
        goInit();
      }
      break;
  }
  return { state: next, actions };
}
