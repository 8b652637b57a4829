/**
 * A progress bar on stderr while files are read, shown only when stderr is a terminal:
 * rows/s, bytes read of the total, ETA (cli-progress); then a status line for the phases that
 * follow (sessionizing, writing).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(rows: number, bytesRead: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update() {}, stop() {} };

export function createProgress(totalBytes: number, enabled: boolean): Progress {
  if (!enabled || totalBytes <= 0) return NO_PROGRESS;
  const started = performance.now();
  const bar = new cliProgress.SingleBar(
    {
      format:
        ' {bar} {percentage}% | {read} of {total_size} | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalBytes, 0, { read: mib(0), total_size: mib(totalBytes), rows: '0', rate: '0' });
  return {
    update(rows, bytesRead) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(Math.min(bytesRead, totalBytes), {
        read: mib(bytesRead),
        rows: rows.toLocaleString('en-US'),
        rate: seconds > 0 ? Math.round(rows / seconds).toLocaleString('en-US') : '0',
      });
    },
    stop() {
      bar.stop();
    },
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export interface Status {
  /** Replaces the status line with this text ("sessionizing 5,000,000 events…"). */
  say(text: string): void;
  clear(): void;
}

/** One status line on stderr for the phases after reading, when stderr is a terminal. */
export function createStatus(enabled: boolean): Status {
  if (!enabled) return { say() {}, clear() {} };
  // A terminal's stderr is written synchronously, so the line shows before long synchronous work.
  return {
    say: (text) => process.stderr.write(`\r\x1b[2K ${text}`),
    clear: () => process.stderr.write('\r\x1b[2K'),
  };
}
