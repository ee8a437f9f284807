/** Who a CLI command acts as, for the audit record: `--by` where the command has it, else the login name. */
import { userInfo } from 'node:os';
import type { Operator } from '../shared/listener/admin.js';
import type { BridgeRegistry } from '../shared/ports/bridge-registry.js';
import type { Target } from './target.js';

/** The operator, with the bridge registry for `logger bind` (which checks the sites it binds are registered). */
export function operator(target: Target, now: number, by?: string): Operator & { bridges: BridgeRegistry } {
  const { loggers, bridges, audit } = target;
  return { loggers, bridges, audit, actor: by ?? loginName(), via: 'cli', now };
}

function loginName(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return process.env.USER ?? 'cli';
  }
}
