/** Progress of a long command on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise. */
export interface Progress {
  update(done: number, note: string): void;
  finish(note: string): void;
}

export function progress(label: string, total: number, out: NodeJS.WriteStream = process.stderr): Progress {
  const tty = out.isTTY === true;
  const every = tty ? 100 : 2000;
  let last = 0;
  const line = (done: number, note: string) => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const pct = `${Math.floor(share * 100)}%`.padStart(4);
    if (!tty) return `${label}: ${pct} ${note}`;
    const width = 30;
    const filled = Math.round(share * width);
    return `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct} ${note}\x1b[K`;
  };
  return {
    update(done, note) {
      const now = Date.now();
      if (now - last < every) return;
      last = now;
      out.write(tty ? line(done, note) : `${line(done, note)}\n`);
    },
    finish(note) {
      out.write(tty ? `${line(total, note)}\n` : `${line(total, note)}\n`);
    },
  };
}
