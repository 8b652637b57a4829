/**
 * Buffered text output with backpressure, under every writer (CSV, NDJSON, rejects): text is
 * gathered into ~64 KiB writes, and `push` only makes the caller wait while the stream is full.
 * Standard output and error are flushed at `end()` but never closed; other streams are ended.
 *
 *   const sink = createTextSink(openOutput(flags.out));  // '-' → process.stdout
 *   for (…) await sink.push(line);
 *   await sink.end();
 */
import { createWriteStream } from 'node:fs';

export interface TextSink {
  push(text: string): Promise<void>;
  end(): Promise<void>;
}

const FLUSH_CHARS = 1 << 16;
const RESOLVED: Promise<void> = Promise.resolve();

/** `-` means standard output; anything else is a file, created or replaced. */
export function openOutput(target: string): NodeJS.WritableStream {
  return target === '-' ? process.stdout : createWriteStream(target);
}

/** Resolves on `event`, rejects on the stream's next error. */
function once(out: NodeJS.WritableStream, event: 'drain' | 'finish'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onEvent = (): void => {
      out.removeListener('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      out.removeListener(event, onEvent);
      reject(err);
    };
    out.once(event, onEvent);
    out.once('error', onError);
  });
}

export function createTextSink(out: NodeJS.WritableStream): TextSink {
  const keepOpen = out === process.stdout || out === process.stderr;
  let buffer = '';
  let failure: Error | undefined;
  out.on('error', (err: Error) => {
    failure ??= err;
  });

  return {
    push(text) {
      if (failure) return Promise.reject(failure);
      buffer += text;
      if (buffer.length < FLUSH_CHARS) return RESOLVED;
      const writable = out.write(buffer);
      buffer = '';
      return writable ? RESOLVED : once(out, 'drain');
    },
    async end() {
      if (failure) throw failure;
      if (keepOpen) {
        await new Promise<void>((resolve, reject) =>
          out.write(buffer, (err) => (err ? reject(err) : resolve())),
        );
      } else {
        const finished = once(out, 'finish');
        out.end(buffer);
        await finished;
      }
      buffer = '';
    },
  };
}
