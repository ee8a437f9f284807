/** A progress bar on stderr for long bulk operations — only on a terminal; piped or in CI it stays silent. */

export interface Progress {
  update(done: number): void;
  finish(): void;
}

const WIDTH = 30;
/** Redraw at most this often: 100,000 rows must not mean 100,000 writes to the terminal. */
const REDRAW_MS = 100;

export function progressBar(label: string, total: number, stream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return { update() {}, finish() {} };
  let last = 0;
  let shown = -1;
  const draw = (done: number) => {
    const share = Math.min(1, done / total);
    const filled = Math.round(share * WIDTH);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(share * 100)}% ${done}/${total}`,
    );
    shown = done;
  };
  return {
    update(done) {
      const now = Date.now();
      if (now - last < REDRAW_MS && done < total) return;
      last = now;
      draw(done);
    },
    finish() {
      if (shown >= 0) stream.write('\n');
    },
  };
}
