import { counted } from '../../shared/domain/words.js';

/** What `listener deploy check` found: one thing that would stop a deploy or a page, and what to do. */
export interface Finding {
  /**
   * The check that found it: `placeholders`, `concurrency`, `sms`, `bootstrap`, `pair-table`,
   * `subscriptions`, `channel-secrets`.
   */
  readonly check: string;
  /** The region it is about; absent for the stage's settings. */
  readonly region?: string;
  /** `warning`: the check could not tell (no permission to look), so it does not fail the check. */
  readonly severity?: 'warning';
  readonly what: string;
  readonly todo: string;
}

/** Whether `finding` is one the stage must fix (not a warning). */
export const isError = (finding: Finding): boolean => finding.severity !== 'warning';

/** One line per finding: `✗ sms (eu-west-1): <what> — <what to do>`, a warning `! …`. */
export function formatFinding(finding: Finding): string {
  const where = finding.region ? ` (${finding.region})` : '';
  return `${isError(finding) ? '✗' : '!'} ${finding.check}${where}: ${finding.what} — ${finding.todo}`;
}

/**
 * What `deploy check` prints after its findings, and its exit code: 1 while any finding is an error; a
 * warning (a check that could not look) is said but does not fail the check.
 */
export function verdict(findings: readonly Finding[], stage: string): { line: string; exitCode: 0 | 1 } {
  const errors = findings.filter(isError).length;
  const warnings = findings.length - errors;
  const unverified = warnings > 0 ? ` (${counted(warnings, 'warning')}: checks that could not tell)` : '';
  if (errors === 0) return { line: `Stage ${stage} is ready: no findings${unverified}.`, exitCode: 0 };
  return {
    line: `${counted(errors, 'finding')} for stage ${stage}${unverified}: fix them, then run this again.`,
    exitCode: 1,
  };
}
