/**
 * SNS subscription filter policies on message attributes, evaluated as SNS does for the features the
 * Listener uses: each key's value must be one of the listed strings, every key must match (AND), and
 * `$or` holds when any of its sub-policies holds. Anything else throws rather than guessing.
 */
export type FilterPolicy = Readonly<Record<string, unknown>>;

export function filterAccepts(
  policy: FilterPolicy | undefined,
  attributes: Readonly<Record<string, string>>,
): boolean {
  if (policy === undefined) return true;
  return Object.entries(policy).every(([key, rule]) => {
    if (key === '$or') return (rule as FilterPolicy[]).some((branch) => filterAccepts(branch, attributes));
    if (!Array.isArray(rule) || rule.some((v) => typeof v !== 'string')) {
      throw new Error(`sns-filter test evaluator: only string allow-lists are supported (${key})`);
    }
    const value = attributes[key];
    return value !== undefined && rule.includes(value);
  });
}
