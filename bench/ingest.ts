/**
 * Benchmark: the collector of `stint serve`, on 127.0.0.1 only, bounded in time. Side by side in
 * one run, each server in a child process of its own and autocannon (64 connections) here:
 *
 * 1. a minimal Fastify endpoint that parses a JSON POST and stores nothing (the baseline);
 * 2. `stint serve`: single-event POSTs, then batches of 100 events, each a fresh event
 *    (own event_id, ten events per visitor, times moving forward);
 * 3. `stint serve` at a steady half of its measured single-event rate, for p50/p99 latency
 *    there (see `steady`: not autocannon, whose rate limit sends in bursts);
 * 4. the minimal endpoint again (this VM's speed drifts: the ratio is against both runs' mean).
 *
 * It prints events/s and p50/p99 for each, and the single-event ratio against the baseline.
 * Beside that, each server's CPU time (all its threads, from /proc) per event: for stint
 * including sessionizing that run's events into the store. autocannon shares the machine's
 * cores with the servers; this says what an event costs the server itself. Under each stint run,
 * what explains a slow p99: the server's group commits (how many over 50 ms), its event loop's
 * longest delay, the sessionizing transactions that ran beside it (all from its /metrics), this
 * process's own event-loop delay (autocannon measures from here), and the share of the
 * machine's CPU its host took ("stolen"; this VM also slows down without any stolen).
 * Then, in this process, the memory of open sessions: a server takes N events of N visitors
 * (all sessions stay open), sessionizes them, and the heap and RSS growth per open session is
 * printed (after a full GC, against the same server before the events).
 *
 *   npx tsx bench/ingest.ts [--seconds 10] [--connections 64] [--open-sessions 1000000]
 *
 * --seconds 0 skips the throughput runs; --open-sessions 0 skips the memory run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { createServer } from '../src/server/app.ts';
import { resolveConfig } from '../src/server/config.ts';
import { openRegistry } from '../src/server/registry.ts';
import { numberFlag } from './flags.ts';

const seconds = numberFlag('--seconds', 10);
const connections = numberFlag('--connections', 64);
const openSessions = numberFlag('--open-sessions', 1_000_000);
const root = resolve(import.meta.dirname, '..');

const BASELINE = `
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.post('/api/v1/events', async (req) => ({ accepted: Array.isArray(req.body?.events) ? req.body.events.length : 1, duplicates: 0, rejected: [] }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
`;

interface Run {
  readonly label: string;
  readonly requests: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Server CPU time per acknowledged event, in microseconds. */
  cpuUs?: number;
  /** The share of the machine's CPU time its host took during the run (see `machineTicks`). */
  stolen?: number;
  /** What the server and this process saw during the run: where a slow p99 came from. */
  seen?: string;
}

async function main(): Promise<void> {
  if (seconds > 0) await throughput();
  if (openSessions > 0) await memoryPerOpenSession(openSessions);
}

async function throughput(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'stint-ingest-'));
  const registry = openRegistry(data);
  const { writeKey } = registry.addSite('bench', []);
  const admin = registry.createToken('admin', undefined, 'bench').secret;
  const results: Run[] = [];
  try {
    const minimal = async (label: string): Promise<Run> => {
      const baseline = await start(['--input-type=module', '-e', BASELINE], 18181, {}, 'node');
      try {
        return await measured(baseline, () => load(label, 18181, 1, {}));
      } finally {
        await stop(baseline);
      }
    };
    results.push(await minimal('minimal Fastify endpoint, 1 event/request'));
    const env = {
      STINT_RATE_LIMIT_IP: '0',
      STINT_RATE_LIMIT_KEY: '0',
      // The bench measures what the collector can take: the per-key event budget (20,000 a
      // second by default) would answer most of the batch step 429.
      STINT_EVENT_RATE_LIMIT_KEY: '0',
      STINT_EVENT_RATE_LIMIT_IP: '0',
      STINT_LOG_LEVEL: 'warn',
      STINT_DATA: data,
    };
    const server = await start(
      [join(root, 'bin/stint.js'), 'serve', '--port', '18182'],
      18182,
      env,
      process.execPath,
    );
    try {
      const auth = { authorization: `Bearer ${writeKey}` };
      // Each run's CPU includes storing its events: the backlog is drained before it is read.
      const stint = (run: () => Promise<Run>): Promise<Run> =>
        measured(server, async () => {
          const before = await metrics(18182, admin);
          const loop = monitorEventLoopDelay({ resolution: 10 });
          loop.enable();
          const cpu = process.cpuUsage();
          const done = await run();
          const { user, system } = process.cpuUsage(cpu);
          loop.disable();
          done.seen = `${done.seen ?? ''}${serverSaw(before, await metrics(18182, admin))}; this process: event-loop delay max ${(loop.max / 1e6).toFixed(0)} ms, CPU ${((user + system) / done.requests).toFixed(0)} µs/request`;
          await drained(18182, admin);
          return done;
        });
      const single = await stint(() => load('stint serve, 1 event/request', 18182, 1, auth));
      results.push(single);
      results.push(await stint(() => load('stint serve, 100 events/request', 18182, 100, auth)));
      const half = Math.max(1, Math.floor(single.requests / seconds / 2));
      results.push(
        await stint(() =>
          steady(`stint serve, 1 event/request, steady half load (${half} req/s)`, 18182, half, auth),
        ),
      );
    } finally {
      await stop(server);
    }
    results.push(await minimal('minimal Fastify endpoint again, 1 event/request'));
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(`\n${connections} connections, ${seconds} s each, 127.0.0.1, ${new Date().toISOString()}`);
  for (const r of results) {
    const cpu = r.cpuUs === undefined ? '' : `  CPU ${r.cpuUs.toFixed(0)} µs/event`;
    const stolen = r.stolen === undefined ? '' : `, ${(r.stolen * 100).toFixed(0)}% stolen`;
    console.log(
      `${r.label.padEnd(62)} ${fmt(r.eventsPerSecond).padStart(9)} events/s  p50 ${r.p50} ms  p99 ${r.p99} ms${cpu}  (${fmt(r.requests)} requests, ${r.errors} errors, ${r.non2xx} non-2xx${stolen})`,
    );
    if (r.seen !== undefined) console.log(`    ${r.seen}`);
  }
  const [base, single, batch, half, again] = results as [Run, Run, Run, Run, Run];
  const minimalRate = (base.eventsPerSecond + again.eventsPerSecond) / 2;
  console.log(
    `single-event throughput / minimal endpoint (mean of its two runs): ${(single.eventsPerSecond / minimalRate).toFixed(3)}x (target >= 0.5x)`,
  );
  if (single.cpuUs !== undefined && base.cpuUs !== undefined && again.cpuUs !== undefined)
    console.log(
      `minimal endpoint's CPU per event / stint's: ${((base.cpuUs + again.cpuUs) / 2 / single.cpuUs).toFixed(2)}x`,
    );
  console.log(`batches of 100: ${fmt(batch.eventsPerSecond)} events/s (target >= 100,000)`);
  console.log(`p99 at a steady half of the single-event load: ${half.p99} ms (target < 50 ms)`);
}

/** Heap and RSS growth of an in-process server per open session, with `n` visitors' sessions open. */
async function memoryPerOpenSession(n: number): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const data = mkdtempSync(join(tmpdir(), 'stint-open-'));
  try {
    const registry = openRegistry(data);
    const { writeKey } = registry.addSite('bench', []);
    // Before the server opens the registry: it reads a changed registry again only every 500 ms.
    const admin = registry.createToken('admin', undefined, 'm').secret;
    const config = resolveConfig(
      { data },
      {
        STINT_LOG_LEVEL: 'silent',
        STINT_RATE_LIMIT_IP: '0',
        STINT_RATE_LIMIT_KEY: '0',
        STINT_EVENT_RATE_LIMIT_KEY: '0',
        STINT_EVENT_RATE_LIMIT_IP: '0',
      },
    );
    const server = await createServer(config, { logger: false });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` };
    const post = (events: object[]) =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers,
        payload: JSON.stringify({ events }),
      });
    const now = Date.now();
    await post([{ anonymous_id: 'warm-up', timestamp: now, url: '/' }]);
    await server.settle();
    const measure = () => {
      gc();
      gc();
      return { heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
    };
    const before = measure();
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1000) {
      const events = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
        anonymous_id: `visitor-${i + k}`,
        event_id: `open-${i + k}`,
        timestamp: now - 60_000 + ((i + k) % 60_000),
        url: `https://bench.example/page/${(i + k) % 40}`,
      }));
      const res = await post(events);
      if (res.statusCode !== 200) throw new Error(`post failed: ${res.statusCode} ${res.body}`);
    }
    await server.settle();
    const after = measure();
    const metrics = await (
      await server.app.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${admin}` },
      })
    ).body;
    const open = Number(/^stint_open_sessions\{site="bench"\} (\d+)/m.exec(metrics)?.[1]);
    console.log(
      `\n${n.toLocaleString('en-US')} open sessions (${open.toLocaleString('en-US')} in /metrics), posted and sessionized in ${((performance.now() - t0) / 1000).toFixed(1)} s:`,
    );
    console.log(
      `  heap per open session ${((after.heap - before.heap) / n).toFixed(0)} bytes (target < 300)`,
    );
    console.log(
      `  RSS per open session  ${((after.rss - before.rss) / n).toFixed(0)} bytes (includes DuckDB's cache of the stored events and sessions)`,
    );
    await server.close();
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

let serial = 0;
const T0 = Date.UTC(2026, 10, 23);

/** A request body of fresh events: own event_ids, ten events per visitor, times moving forward. */
function eventsBody(perRequest: number): string {
  const events = Array.from({ length: perRequest }, () => {
    const n = serial++;
    return {
      timestamp: T0 + n * 10,
      // Ten events per visitor in a row: sessions of ten pageviews, as a site sees them.
      anonymous_id: `v${Math.floor(n / 10)}`,
      event_id: `e${n}`,
      url: `https://bench.example/page/${n % 40}`,
      user_agent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    };
  });
  return JSON.stringify(perRequest === 1 ? events[0] : { events });
}

function load(
  label: string,
  port: number,
  perRequest: number,
  headers: Record<string, string>,
): Promise<Run> {
  return new Promise((done, fail) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/api/v1/events`,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            setupRequest: (req: autocannon.Request) => ({ ...req, body: eventsBody(perRequest) }),
          },
        ],
      },
      (err: Error | null, r: autocannon.Result) => {
        if (err) return fail(err);
        const ok = r.requests.total - r.non2xx;
        done({
          label,
          requests: r.requests.total,
          events: ok * perRequest,
          eventsPerSecond: (ok * perRequest) / seconds,
          p50: r.latency.p50,
          p99: r.latency.p99,
          errors: r.errors,
          non2xx: r.non2xx,
        });
      },
    );
  });
}

/**
 * A steady load of one-event requests: `rate` a second, evenly spaced (sent from a 1 ms tick),
 * over up to `connections` keep-alive connections (undici's pool). autocannon cannot do this: its rate limit lets
 * each connection send its share of a second at once and then wait (autocannon issue #174), so
 * "half load" was full load part of each second; and it corrects for coordinated omission with
 * an expected interval of 1 ms whatever the rate, so that an answer of L ms weighed as L answers.
 *
 * A request's latency counts from when it was due, so waiting for a free connection behind a
 * slow answer counts too (no coordinated omission); `seen` adds the p99 from when it was sent.
 */
function steady(label: string, port: number, rate: number, headers: Record<string, string>): Promise<Run> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1 });
  const requestHeaders = { 'content-type': 'application/json', ...headers };
  // The first second opens the connections and warms both sides up: its latencies are not counted.
  const warmUp = Math.round(rate);
  const total = warmUp + Math.round(rate * seconds);
  const fromDue: number[] = [];
  const fromSend: number[] = [];
  let sent = 0;
  let open = 0;
  let errors = 0;
  let non2xx = 0;
  const t0 = performance.now();
  return new Promise((done) => {
    const finish = (): void => {
      open--;
      if (sent < total || open > 0) return;
      void pool.close();
      const ms = (values: number[], q: number): number => {
        values.sort((a, b) => a - b);
        return (
          Math.round((values[Math.min(values.length - 1, Math.floor(values.length * q))] ?? 0) * 10) / 10
        );
      };
      done({
        label,
        requests: sent - warmUp,
        events: fromDue.length,
        eventsPerSecond: fromDue.length / seconds,
        p50: ms(fromDue, 0.5),
        p99: ms(fromDue, 0.99),
        errors,
        non2xx,
        seen: `from when sent: p50 ${ms(fromSend, 0.5)} ms, p99 ${ms(fromSend, 0.99)} ms; `,
      });
    };
    const send = (dueAt: number, counted: boolean): void => {
      let sentAt = dueAt;
      let status = 0;
      pool.dispatch(
        { path: '/api/v1/events', method: 'POST', headers: requestHeaders, body: eventsBody(1) },
        {
          onRequestStart() {
            sentAt = performance.now();
          },
          onResponseStart(_, statusCode) {
            status = statusCode;
          },
          onResponseEnd() {
            const end = performance.now();
            // Failures count in the first second too: only latencies wait for the warm-up to end.
            if (status >= 300) non2xx++;
            else if (counted) {
              fromDue.push(end - dueAt);
              fromSend.push(end - sentAt);
            }
            finish();
          },
          onResponseError() {
            errors++;
            finish();
          },
        },
      );
    };
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      for (; sent < due; sent++, open++) send(t0 + (sent * 1000) / rate, sent >= warmUp);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}

const metrics = async (port: number, token: string): Promise<string> =>
  (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();

/**
 * The server's side of a run, from its /metrics before and after: its group commits and how
 * many took over 50 ms, its event loop's longest delay (prom-client resets it at each read),
 * and the sessionizing transactions that ran beside the collector.
 */
function serverSaw(before: string, after: string): string {
  const commits = histogram(after, 'stint_commit_seconds', before);
  const stored = histogram(after, 'stint_sessionize_seconds', before);
  const over50 = commits.count - (commits.le.get(0.05) ?? 0);
  const bounds = [...commits.le];
  const under = bounds.find(([, n]) => n === commits.count)?.[0];
  const slowest = under === undefined ? `over ${bounds.at(-1)?.[0] ?? '?'} s` : `under ${under} s`;
  const loopMax = Number(/^stint_nodejs_eventloop_lag_max_seconds (\S+)/m.exec(after)?.[1] ?? Number.NaN);
  return [
    `server: ${commits.count.toLocaleString('en-US')} commits, ${over50} over 50 ms (slowest ${slowest})`,
    `event-loop delay max ${(loopMax * 1000).toFixed(0)} ms`,
    `${stored.count} sessionizing transactions (${stored.sum.toFixed(1)} s)`,
  ].join(', ');
}

/** A histogram's count, sum and cumulative bucket counts (by upper bound), minus those in `minus`. */
function histogram(
  text: string,
  name: string,
  minus?: string,
): { count: number; sum: number; le: Map<number, number> } {
  const value = (suffix: string): number =>
    Number(new RegExp(`^${name}_${suffix}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? 0);
  const le = new Map<number, number>();
  for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)`, 'gm')))
    if (m[1] !== '+Inf') le.set(Number(m[1]), Number(m[2]));
  const base = minus === undefined ? undefined : histogram(minus, name);
  for (const [k, n] of le) le.set(k, n - (base?.le.get(k) ?? 0));
  return { count: value('count') - (base?.count ?? 0), sum: value('sum') - (base?.sum ?? 0), le };
}

/** Waits until the server has sessionized every event it accepted (steady state for the next phase). */
async function drained(port: number, token: string): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const text = await metrics(port, token);
    const m = /^stint_unsessionized_events\{[^}]*\} (\d+)/m.exec(text);
    if (m === null || m[1] === '0') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`  (sessionized the backlog in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/** Runs `work` and sets the server's CPU time per acknowledged event on its result (Linux /proc). */
async function measured(child: ChildProcess, work: () => Promise<Run>): Promise<Run> {
  const before = cpuSeconds(child.pid);
  const machine = machineTicks();
  const run = await work();
  const after = cpuSeconds(child.pid);
  if (before !== undefined && after !== undefined && run.events > 0)
    run.cpuUs = ((after - before) * 1e6) / run.events;
  const ticks = machineTicks();
  if (machine !== undefined && ticks !== undefined) {
    const total = ticks.total - machine.total;
    if (total > 0) run.stolen = (ticks.steal - machine.steal) / total;
  }
  return run;
}

/**
 * The machine's CPU ticks, all and stolen (a VM's time taken by its host for others: a run
 * with much of it stolen is slower for reasons outside this machine); undefined without /proc.
 */
function machineTicks(): { total: number; steal: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1, 9).map(Number);
    return { total: cpu.reduce((a, b) => a + b, 0), steal: cpu[7]! };
  } catch {
    return undefined;
  }
}

/** A process's user and system CPU seconds, all threads; undefined where /proc is not there. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "(name) ", field 3 (state) comes first: utime and stime are fields 14 and 15, in ticks of 1/100 s.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function start(
  argv: string[],
  port: number,
  env: Record<string, string>,
  command: string,
): Promise<ChildProcess> {
  const child = spawn(command, argv, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ready, fail) => {
    const deadline = setTimeout(() => fail(new Error(`server on port ${port} did not start`)), 30_000);
    const poll = async () => {
      try {
        await fetch(`http://127.0.0.1:${port}/`, { method: 'GET' });
        clearTimeout(deadline);
        ready(child);
      } catch {
        if (child.exitCode !== null)
          return fail(new Error(`server on port ${port} exited with ${child.exitCode}`));
        setTimeout(poll, 100);
      }
    };
    void poll();
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

await main();
