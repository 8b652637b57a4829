/**
 * The benchmarks' command line: `--name value` numbers and bare `--name` switches.
 *
 *   const events = numberFlag('--events', 5_000_000); // --events 100000
 */
const args = process.argv.slice(2);

/** The number after `name`, or `fallback` when the flag is not given. */
export function numberFlag(name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
}

/** Whether the bare switch `name` is given. */
export function hasFlag(name: string): boolean {
  return args.includes(name);
}
