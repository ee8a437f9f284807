/** Counts as people write them: `1 Logger`, `2 Loggers` — never `1 Logger(s)`. */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
