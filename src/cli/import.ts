/**
 * `stint import FILE… [--db FILE] [--force]`: events into the store, sessions kept up to date.
 * One transaction per file: a file is stored whole or not at all. A file already imported
 * (same content fingerprint) is skipped with a message; --force imports it again, retries
 * (same event_id) counted once. Sessions of every identity a file touches are recomputed.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { StintError } from '../core/errors.ts';
import type { SessionRules } from '../core/rules.ts';
import { startAtomicFile } from '../io/atomic-file.ts';
import { fingerprintFile } from '../io/fingerprint.ts';
import { expandInputs } from '../io/glob.ts';
import type { RejectedRow } from '../io/load-events.ts';
import { INPUT_FORMATS, type InputFormatName } from '../io/open-input.ts';
import { createRejectsWriter, type RejectsWriter } from '../io/write-rejects.ts';
import { identityHasher, readsAccessLogs } from '../store/identity-key.ts';
import { importFile, NoRows } from '../store/ingest/index.ts';
import { openStore } from '../store/open.ts';
import { sameRules } from '../store/rules-json.ts';
import type { ImportRecord, Store, StoredRules } from '../store/store.ts';
import { inputFormatFlag, maxRejectsFlag } from './flag-values.ts';
import { emptyImport, type FileImport, formatImport } from './format/import.ts';
import { guardOutputs } from './output-guard.ts';
import { assertWritable } from './output-path.ts';
import { printable } from './printable.ts';
import { createProgress, createStatus, type Progress, type Status } from './progress.ts';
import {
  addRuleFlags,
  inputZoneFromFlags,
  overrideRules,
  parseMap,
  type RuleFlags,
  rulesFromFlags,
  rulesGivenOnCli,
} from './rule-flags.ts';
import { describeRules, refusedCounts } from './summary.ts';
import { jsonWithQuiet, refuseUnused } from './unused-flags.ts';

export const DEFAULT_DB = 'stint.duckdb';

interface ImportFlags extends RuleFlags {
  db: string;
  rejects?: string;
  maxRejects?: string;
  force: boolean;
  inputFormat?: string;
  keepAll: boolean;
  keepBots: boolean;
  rawCsv: boolean;
  keepIps: boolean;
  json: boolean;
  quiet: boolean;
}

export function registerImport(program: Command): void {
  const cmd = program
    .command('import')
    .summary('store events and their sessions in a stint database')
    .description(
      'Read event files or access logs (as `stint sessionize` does) into the store, and keep its sessions ' +
        'up to date: the sessions of every identity a file touches are computed again from all its events. ' +
        'Each file is one transaction. A file imported before (same content) is skipped unless --force.',
    )
    .argument('<inputs...>', 'files or quoted globs, e.g. "logs/access.log*"')
    .option('--db <file>', 'the store (created when missing)', DEFAULT_DB)
    .option(
      '--force',
      'import files again even when already imported (retries by event_id count once)',
      false,
    )
    .option('--input-format <format>', `skip detection: ${INPUT_FORMATS.join(', ')}`)
    .option(
      '--keep-all',
      'access logs: keep non-pageview lines (assets, POST, errors) as "request" events',
      false,
    )
    .option('--keep-bots', 'access logs: keep lines from known bots', false)
    .option(
      '--keep-ips',
      'access logs: store the visitor identity (ip|user agent) as it is, not as a keyed hash',
      false,
    )
    .option('--rejects <file>', 'also write every rejected row (file, line, reason, detail, raw) to this CSV')
    .option(
      '--max-rejects <n>',
      'fail a file (exit 2, nothing of it stored) once more than n of its rows are rejected',
    )
    .option(
      '--raw-csv',
      "--rejects: write text starting with = + - @ tab or CR as it is (default: prefixed with ')",
      false,
    );
  addRuleFlags(cmd)
    .option('--json', 'print the summary as JSON', false)
    .option('-q, --quiet', 'print nothing but errors', false)
    .addHelpText(
      'after',
      `
The rule flags apply to a new store; a store keeps the rules it was created with
(stint resessionize changes them for all sessions).

Examples:
  stint import access.log
  stint import "logs/access.log*" --db site.duckdb
  stint import events.csv --map timestamp=event_time,user_id=uid --goal purchase
  stint import day1.parquet day2.parquet --json

Exit codes: 0 ok, 1 usage error, 2 input error (files before the failing one stay imported).`,
    )
    .action(async (inputs: string[], flags: ImportFlags, command: Command) => {
      refuseUnused(command, [jsonWithQuiet(flags)]);
      await runImport(inputs, flags, command);
    });
}

async function runImport(inputs: string[], flags: ImportFlags, command: Command): Promise<void> {
  const started = performance.now();
  const paths = await expandInputs(inputs);
  const inputFormat = inputFormatFlag(flags.inputFormat);
  const askedRules = rulesFromFlags(flags);
  const rulesGiven = rulesGivenOnCli(command).length > 0;
  // Reader options are checked before the store is opened (or created).
  parseMap(flags.map ?? []);
  inputZoneFromFlags(flags);
  const maxRejects = maxRejectsFlag(flags.maxRejects);
  if (flags.rejects !== undefined) assertWritable(flags.rejects, '--rejects');
  const readsLogs = await readsAccessLogs(paths, inputFormat);
  guardOutputs({ inputs: paths, store: flags.db, outputs: [{ flag: '--rejects', path: flags.rejects }] });
  if (flags.rawCsv && flags.rejects === undefined) {
    throw new StintError(
      'STINT_BAD_FLAG',
      '--raw-csv does nothing without --rejects FILE',
      'Leave out --raw-csv',
    );
  }
  const rejectsFile = flags.rejects === undefined ? undefined : startAtomicFile(flags.rejects);
  const rejectsOut =
    rejectsFile === undefined
      ? undefined
      : createRejectsWriter(createWriteStream(rejectsFile.path), flags.rawCsv ? 'raw' : 'safe');
  const store = await openStore(flags.db);
  const results: FileImport[] = [];
  let rules: StoredRules | undefined;
  try {
    rules = await store.rules();
    if (
      rules !== undefined &&
      rulesGiven &&
      !sameRules(rules.rules, overrideRules(rules.rules, flags, command))
    ) {
      throw new StintError(
        'STINT_RULES_CHANGED',
        `${flags.db} keeps its sessions under rules version ${rules.version}, not the rule flags given`,
        'Import without rule flags, or change the rules of every session with stint resessionize',
      );
    }
    const identify = await identityHasher(store, flags.keepIps ? 'kept' : 'hashed', readsLogs);
    for (const path of paths) {
      try {
        const result = await importOneFile(store, path, {
          identify,
          flags,
          inputFormat,
          rules: rules?.rules ?? askedRules,
          version: rules?.version,
          maxRejects,
          rejectsOut,
        });
        results.push(result.file);
        rules = result.rules ?? rules;
      } catch (err) {
        // The files before this one are committed: say so before the error line.
        if (!flags.quiet && results.length > 0)
          process.stderr.write(
            formatImport({
              db: flags.db,
              rules_version: rules?.version ?? null,
              files: results,
              elapsed_s: Math.round(performance.now() - started) / 1000,
            }),
          );
        throw err;
      }
    }
  } finally {
    store.close();
    await rejectsOut?.end();
    // The rejects of the files that were stored replace the old file; else it stays whole.
    if (results.some((f) => f.status === 'imported')) await rejectsFile?.commit();
    await rejectsFile?.abort();
  }
  if (results.every((f) => f.status === 'skipped' && f.reason?.startsWith('no rows'))) {
    throw new StintError(
      'STINT_EMPTY_INPUT',
      `No rows in ${paths.join(', ')}`,
      'Check that the files are not empty and have a header row',
    );
  }
  if (flags.quiet) return;
  const summary = {
    db: flags.db,
    rules_version: rules?.version ?? null,
    rules: rules === undefined ? null : describeRules(rules.rules),
    ...(readsLogs ? { ips: flags.keepIps ? ('kept' as const) : ('hashed' as const) } : {}),
    files: results,
    elapsed_s: Math.round(performance.now() - started) / 1000,
  };
  process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : formatImport(summary));
}

interface ImportOptions {
  flags: ImportFlags;
  inputFormat: InputFormatName | undefined;
  rules: SessionRules;
  version: number | undefined;
  maxRejects: number | undefined;
  /** Receives each committed file's rejected rows (--rejects). */
  rejectsOut: RejectsWriter | undefined;
  /** Access logs: the store's identity hash (undefined with --keep-ips). */
  identify: ((identity: string) => string) | undefined;
}

async function importOneFile(
  store: Store,
  path: string,
  o: ImportOptions,
): Promise<{ file: FileImport; rules?: StoredRules | undefined }> {
  const started = performance.now();
  const { flags } = o;
  const bytes = (await stat(path)).size;
  const before = (await store.imports()).filter((i) => i.bytes > 0 && i.bytes < bytes);
  const { full: fingerprint, prefixes } = await fingerprintFile(
    path,
    before.map((i) => i.bytes),
  );
  const skip = (reason: string) => ({
    file: { ...emptyImport(path, started), status: 'skipped' as const, reason },
  });
  const when = (i: ImportRecord): string => new Date(i.importedAtMs).toISOString();
  const earlier = await store.findImport(fingerprint);
  if (earlier !== undefined && !flags.force) {
    return skip(`already imported on ${when(earlier)} as ${earlier.path} (--force imports it again)`);
  }
  // A log that was appended to since: its first bytes are an imported file, whose lines would
  // count twice (lines without an event_id cannot be told apart).
  const grown = before.find((i) => prefixes.get(i.bytes) === i.fingerprint);
  if (grown !== undefined && !flags.force) {
    return skip(
      `its first ${grown.bytes.toLocaleString('en-US')} bytes were imported on ${when(grown)} as ${grown.path}; ` +
        `import only what was added (tail -c +${grown.bytes + 1} ${path} > new-part), or --force to import it whole again`,
    );
  }
  const onTerminal = !flags.quiet && process.stderr.isTTY === true;
  const progress = createProgress(bytes, onTerminal);
  const status = createStatus(onTerminal);
  try {
    const done = await importTransaction(store, path, o, { started, bytes, fingerprint, progress, status });
    for (const row of done.rejects) await o.rejectsOut?.write(row.file, row);
    return done;
  } catch (err) {
    if (err instanceof NoRows) return skip('no rows (an empty file, or a header only)');
    throw err;
  } finally {
    status.clear();
  }
}

async function importTransaction(
  store: Store,
  path: string,
  o: ImportOptions,
  run: { started: number; bytes: number; fingerprint: string; progress: Progress; status: Status },
): Promise<{ file: FileImport; rules?: StoredRules | undefined; rejects: RejectedRow[] }> {
  const { flags, rules } = o;
  const { started, bytes, fingerprint, progress, status } = run;
  const done = await store
    .transaction((tx) =>
      importFile(tx, {
        path,
        fingerprint,
        bytes,
        load: {
          normalize: {
            map: parseMap(flags.map ?? []),
            inputTz: inputZoneFromFlags(flags),
            sessionKey: rules.sessionKey,
          },
          format: o.inputFormat,
          identify: o.identify,
          keepAll: flags.keepAll,
          keepBots: flags.keepBots,
          maxRejects: o.maxRejects,
        },
        rules,
        version: o.version,
        onProgress: (p) => progress.update(p.rows, p.bytesRead),
        onRead: () => progress.stop(),
        say: (phase) => status.say(`${printable(path)}: ${phase}`),
      }),
    )
    .finally(() => progress.stop());
  const { stats, notes } = done;
  const file: FileImport = {
    ...emptyImport(path, started),
    rows: stats.rows,
    accepted: done.accepted,
    duplicates: done.duplicates,
    ...refusedCounts(stats),
    identities: done.redone.identities,
    sessions: done.redone.sessions,
    elapsed_s: Math.round(performance.now() - started) / 1000,
    ...(notes.length > 0 ? { notes } : {}),
    ...(done.inferredHosts.length > 0 ? { inferred_site_hosts: [...done.inferredHosts] } : {}),
  };
  return { file, rules: done.rules, rejects: done.rejects };
}
