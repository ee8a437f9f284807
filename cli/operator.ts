/** Who a CLI command acts as, for the audit record: `--by` where the command has it, else the login name. */
import { userInfo } from 'node:os';
import type { Operator } from '../shared/listener/admin.js';
import type { Target } from './target.js';

export function operator(target: Target, now: number, by?: string): Operator {
  return { store: target.store, audit: target.audit, actor: by ?? loginName(), via: 'cli', now };
}

function loginName(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return process.env.USER ?? 'cli';
  }
}
