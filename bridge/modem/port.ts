/**
 * The thin serialport adapter around the pure modem state machine: opens the device, splits bytes into
 * lines, arms the machine's single timer, polls DCD while online, performs the machine's actions (writes,
 * spooling records, logging), and reopens the device when it fails (a hung port).
 */
import { SerialPort } from 'serialport';
import type { PortConfig } from '../config.js';
import type { Log } from '../log.js';
import { MAX_RECORD_LINE_BYTES, type PhoneHomeRecord, toRelayRecord } from '../record.js';
import type { Spool } from '../spool/spool.js';
import { LineSplitter } from './lines.js';
import {
  type CallInfo,
  initialState,
  type ModemAction,
  type ModemEvent,
  type ModemState,
  type PortStats,
  step,
} from './machine.js';

/** What the adapter needs of a serial port (serialport's `SerialPort`, or a fake). */
export interface SerialLike {
  open(callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
  write(data: string, callback?: (error: Error | null | undefined) => void): boolean;
  get(callback: (error: Error | null, status?: { dcd: boolean }) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  removeAllListeners(): this;
  readonly isOpen: boolean;
}

export type OpenSerial = (path: string, baudRate: number) => SerialLike;

export const openSerialPort: OpenSerial = (path, baudRate) =>
  new SerialPort({ path, baudRate, autoOpen: false, lock: true }) as unknown as SerialLike;

export interface PortSnapshot {
  readonly name: string;
  readonly path: string;
  readonly open: boolean;
  readonly state: string;
  readonly stats: PortStats;
  readonly lastError?: string;
}

export interface ModemPortOptions {
  readonly config: PortConfig;
  readonly spool: Spool;
  readonly log: Log;
  /** Called after a record was spooled (to kick the drain). */
  readonly onRecord?: (record: PhoneHomeRecord) => void;
  /** Called when something worth a status update happened (call ended, reset …). */
  readonly onChange?: () => void;
  readonly openSerial?: OpenSerial;
  readonly now?: () => number;
  readonly dcdPollMs?: number;
}

export class ModemPort {
  private state: ModemState = initialState();
  private port: SerialLike | undefined;
  private readonly splitter = new LineSplitter(MAX_RECORD_LINE_BYTES);
  private timer: NodeJS.Timeout | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private dcdTimer: NodeJS.Timeout | undefined;
  private dcdSupported: boolean;
  private stopped = false;
  private lastError: string | undefined;
  private readonly now: () => number;
  private readonly openSerial: OpenSerial;

  constructor(private readonly o: ModemPortOptions) {
    this.now = o.now ?? Date.now;
    this.openSerial = o.openSerial ?? openSerialPort;
    this.dcdSupported = o.config.watchDcd;
  }

  get name(): string {
    return this.o.config.name;
  }

  snapshot(): PortSnapshot {
    return {
      name: this.o.config.name,
      path: this.o.config.path,
      open: this.port?.isOpen ?? false,
      state: this.state.phase.name,
      stats: this.state.stats,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Opens the device and initialises the modem; on failure retries after `reopenAfter`. */
  start(): void {
    this.stopped = false;
    this.openDevice();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.dispatch({ type: 'stop' });
    clearTimeout(this.timer);
    clearTimeout(this.reopenTimer);
    clearInterval(this.dcdTimer);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    port?.removeAllListeners();
  }

  private openDevice(): void {
    if (this.stopped) return;
    const { path, baudRate } = this.o.config;
    let port: SerialLike;
    try {
      port = this.openSerial(path, baudRate);
    } catch (error) {
      this.failed(`cannot open ${path}: ${(error as Error).message}`);
      return;
    }
    this.port = port;
    port.on('data', (chunk) => this.onData(chunk));
    port.on('error', (error) => this.failed(`port error: ${error.message}`));
    port.on('close', () => {
      if (this.port === port) this.failed('port closed');
    });
    port.open((error) => {
      if (error) {
        this.failed(`cannot open ${path}: ${error.message}`);
        return;
      }
      this.o.log('info', this.name, `opened ${path} at ${baudRate} baud`);
      delete this.lastError;
      this.splitter.reset();
      this.dispatch({ type: 'start' });
    });
  }

  /** The device failed (unplugged, hung port): drop it and reopen later. */
  private failed(reason: string): void {
    if (this.stopped) return;
    this.lastError = reason;
    this.o.log(
      'error',
      this.name,
      `${reason}; reopening in ${Math.round(this.o.config.reopenAfterMs / 1000)}s`,
    );
    const port = this.port;
    this.port = undefined;
    clearTimeout(this.timer);
    clearInterval(this.dcdTimer);
    this.dcdTimer = undefined;
    this.state = step(this.state, { type: 'stop' }, this.now(), this.o.config.modem).state;
    if (port) {
      port.removeAllListeners();
      port.on('error', () => undefined);
      if (port.isOpen) port.close(() => undefined);
    }
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => this.openDevice(), this.o.config.reopenAfterMs);
    this.o.onChange?.();
  }

  private onData(chunk: Buffer): void {
    for (const event of this.splitter.push(chunk)) {
      this.dispatch(event.type === 'line' ? { type: 'line', text: event.text } : { type: 'overflow' });
    }
  }

  private dispatch(event: ModemEvent): void {
    const before = this.state;
    const { state, actions } = step(before, event, this.now(), this.o.config.modem);
    this.state = state;
    for (const action of actions) this.perform(action);
    if (state.timerAt !== before.timerAt || event.type === 'timer') this.armTimer();
    if (state.phase.name !== before.phase.name) this.phaseChanged(before, state);
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.state.timerAt === null || this.stopped) return;
    const delay = Math.max(0, this.state.timerAt - this.now());
    this.timer = setTimeout(() => this.dispatch({ type: 'timer' }), delay);
  }

  private phaseChanged(before: ModemState, after: ModemState): void {
    if (after.phase.name === 'online') this.startDcdWatch();
    if (before.phase.name === 'online') {
      clearInterval(this.dcdTimer);
      this.dcdTimer = undefined;
    }
    if (after.phase.name === 'resetting' || before.phase.name === 'resetting') this.o.onChange?.();
  }

  private startDcdWatch(): void {
    if (!this.dcdSupported || this.dcdTimer) return;
    this.dcdTimer = setInterval(() => {
      this.port?.get((error, status) => {
        if (error) {
          // PTYs and some USB adapters cannot report modem lines: rely on NO CARRIER and the idle timeout.
          this.dcdSupported = false;
          clearInterval(this.dcdTimer);
          this.dcdTimer = undefined;
          this.o.log(
            'info',
            this.name,
            `DCD cannot be read on this device (${error.message}); relying on NO CARRIER`,
          );
          return;
        }
        if (status && !status.dcd && this.state.phase.name === 'online')
          this.dispatch({ type: 'dcd', up: false });
      });
    }, this.o.dcdPollMs ?? 500);
  }

  private perform(action: ModemAction): void {
    switch (action.type) {
      case 'write':
        this.port?.write(action.data, (error) => {
          if (error) this.o.log('error', this.name, `write failed: ${error.message}`);
        });
        break;
      case 'log':
        this.o.log(action.level, this.name, action.message);
        break;
      case 'callEnded':
        this.callEnded(action.call);
        break;
      case 'store':
        this.store(action.callId, action.record);
        break;
    }
  }

  private callEnded(call: CallInfo): void {
    const dropped = this.splitter.reset();
    if (dropped > 0) {
      this.o.log(
        'warn',
        this.name,
        `${call.id}: dropped ${dropped} bytes of a partial line when the call ended`,
      );
    }
    this.o.onChange?.();
  }

  private store(callId: string, record: PhoneHomeRecord): void {
    this.o.spool.put(toRelayRecord(record), `serial:${this.name}`).then(
      () => {
        this.dispatch({ type: 'stored', callId, id: record.id, ok: true });
        this.o.onRecord?.(record);
      },
      (error: Error) => {
        this.o.log('error', this.name, `cannot spool record ${record.id}: ${error.message}`);
        this.dispatch({ type: 'stored', callId, id: record.id, ok: false });
      },
    );
  }
}
