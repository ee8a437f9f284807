/** What `listener deploy check` found: one thing that would stop a deploy or a page, and what to do. */
export interface Finding {
  /** The check that found it: `placeholders`, `concurrency`, `sms`, `bootstrap`, `pair-table`, `subscriptions`. */
  readonly check: string;
  /** The region it is about; absent for the stage's settings. */
  readonly region?: string;
  readonly what: string;
  readonly todo: string;
}

/** One line per finding: `✗ sms (eu-west-1): <what> — <what to do>`. */
export function formatFinding(finding: Finding): string {
  const where = finding.region ? ` (${finding.region})` : '';
  return `✗ ${finding.check}${where}: ${finding.what} — ${finding.todo}`;
}
