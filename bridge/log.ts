/**
 * The bridge's log: one line per entry on stderr, `2026-11-04T10:15:00.000Z INFO  [modem1] message`.
 * Tokens never reach it: nothing here is given a token, and {@link redact} masks bearer strings defensively.
 */
import type { LogLevel } from './modem/machine.js';

export type Log = (level: LogLevel, scope: string, message: string) => void;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function redact(text: string): string {
  return text.replace(/(bearer\s+)[^\s"']+/gi, '$1***');
}

export function consoleLog(minLevel: LogLevel = 'info', now: () => number = Date.now): Log {
  return (level, scope, message) => {
    if (LEVELS[level] < LEVELS[minLevel]) return;
    const line = `${new Date(now()).toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}] ${redact(message)}\n`;
    process.stderr.write(line);
  };
}

export const silentLog: Log = () => undefined;
