/**
 * `stint report [--db FILE | --server URL --site NAME] [--from --to --tz --filter] [--json]
 * [--html FILE]`: what the stored sessions say, under the rules they were computed with: the
 * overview against the previous period, the time series, sources, entry and exit pages, devices,
 * pages, paths and funnels. Its parameters are the catalogue's report entry
 * (analysis/catalog/queries.ts); with --server it reads them through a running stint serve.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CLI_SPELLING, planAnalysis, QUERIES, type RawParams, runAnalysis } from '../../analysis/catalog.ts';
import type { Report } from '../../analysis/report.ts';
import { writeAtomically } from '../../io/atomic-file.ts';
import { renderHtmlReport } from '../../report/html.ts';
import { formatReport } from '../format/report.ts';
import { DEFAULT_DB } from '../import.ts';
import { guardOutputs } from '../output-guard.ts';
import { assertWritable } from '../output-path.ts';
import { printable } from '../printable.ts';
import { warnOutsideData } from '../range-check.ts';
import { openForReading } from '../read-store.ts';
import { addRemoteFlags, type Remote, readRemote, remoteOf, where } from '../remote.ts';
import { isStoreFile, storeName } from '../store-flag.ts';
import { addParamFlag, addQueryFlags, rawParams } from './param-flags.ts';

interface ReportFlags {
  db: string;
  json: boolean;
  html?: string;
}

export function registerReport(program: Command): void {
  const entry = QUERIES.report;
  const cmd = program
    .command('report')
    .summary('report on the stored sessions')
    .description(
      'Report on the sessions in the store: the overview (sessions, users, pageviews, bounce and engagement ' +
        'rates, durations, pages per session, conversion rate and value), each with the previous period of ' +
        'the same length and the relative change, then the tables; then the insights: what changed significantly, ' +
        'anomalous sessions, what converts, the diagnosis of the settings and users by level (--brief leaves them out).',
    )
    .option('--db <file>', 'the store', DEFAULT_DB);
  addRemoteFlags(cmd);
  const param = (name: string) => entry.params.find((p) => p.name === name)!;
  addParamFlag(addQueryFlags(cmd), param('interval'));
  cmd.option('--json', 'print the report as one JSON object', false);
  addParamFlag(cmd, param('funnel'));
  addParamFlag(cmd, param('brief'));
  cmd
    .option('--html <file>', 'also write the report as one standalone HTML file with charts (works offline)')
    .addHelpText(
      'after',
      `
Examples:
  stint report
  stint report --from 2026-10-01 --to 2026-10-31 --tz Europe/Berlin
  stint report --filter source=google --filter device_type!=bot --json
  stint report --html report.html --funnel "/,/pricing,event:purchase"
  stint report --brief --json                  # without the insights: faster on big stores
  STINT_TOKEN=st_… stint report --server http://127.0.0.1:8080 --site shop   # while stint serve runs`,
    )
    .action(async (flags: ReportFlags) => {
      await runReport(flags, rawParams(cmd, entry), remoteOf(cmd));
    });
}

async function runReport(flags: ReportFlags, raw: RawParams, remote: Remote | undefined): Promise<void> {
  const params = planAnalysis(QUERIES.report, raw, CLI_SPELLING);
  if (flags.html !== undefined) assertWritable(flags.html, '--html');
  guardOutputs({
    store: remote === undefined && isStoreFile(flags.db) ? flags.db : undefined,
    outputs: [{ flag: '--html', path: flags.html }],
  });
  const report =
    remote === undefined
      ? await readStore(flags.db, params)
      : ((await readRemote(remote, QUERIES.report, raw)) as Report);
  if (flags.html !== undefined) {
    const title = remote === undefined ? storeName(flags.db) : (remote.site ?? where(remote.base));
    const html = renderHtmlReport(report, `stint report: ${title}`);
    await writeAtomically(flags.html, (path) => writeFile(path, html));
  }
  const empty =
    remote === undefined
      ? undefined
      : `${remote.site === undefined ? 'The site' : `Site "${printable(remote.site)}"`} at ${where(remote.base)} has no sessions yet\n`;
  process.stdout.write(
    flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, flags.db, empty),
  );
  if (flags.html !== undefined && !flags.json)
    process.stdout.write(`HTML report written to ${printable(flags.html)}\n`);
}

async function readStore(db: string, params: Parameters<typeof QUERIES.report.run>[1]): Promise<Report> {
  const store = await openForReading(db, 'report');
  try {
    const report = await runAnalysis(QUERIES.report, store, params, CLI_SPELLING);
    await warnOutsideData(store, params.query);
    return report;
  } finally {
    store.close();
  }
}
