import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFileFormat, detectFormat } from '../../src/io/detect.ts';
import { DATA } from '../helpers/cli.ts';

const MATOMO = `${DATA}/edge_cases/matomo_log_analytics_format_fixtures`;
const head = (path: string): Buffer => readFileSync(path).subarray(0, 64 * 1024);
const text = (s: string): Buffer => Buffer.from(s);

describe('detectFormat by name', () => {
  it.each([
    ['events.csv', 'csv'],
    ['events.CSV.gz', 'csv'],
    ['clicks.tsv', 'tsv'],
    ['e.ndjson', 'ndjson'],
    ['e.jsonl.gz', 'ndjson'],
    ['e.parquet', 'parquet'],
    ['access.log', 'access-log'],
    ['logs/access.log.1', 'access-log'],
    ['logs/access.log.2.gz', 'access-log'],
    ['logs/access.log-20240102.gz', 'access-log'],
  ])('%s → %s', (path, format) => {
    expect(detectFormat(path, Buffer.alloc(0))).toBe(format);
  });

  it('reads real files by name', async () => {
    expect(await detectFileFormat(`${DATA}/rees46_multicategory_2019-Oct_head.csv`)).toBe('csv');
    expect(await detectFileFormat(`${DATA}/yoochoose_rsc15_100k_sessionrec.tsv`)).toBe('tsv');
    expect(await detectFileFormat(`${DATA}/otto_train_head.jsonl`)).toBe('ndjson');
    expect(await detectFileFormat(`${DATA}/nasa_access_log_Aug95_head.log`)).toBe('access-log');
  });

  it('treats a .json file holding one object per line as NDJSON', () => {
    expect(detectFormat('e.json', text('{"a":1}\n{"a":2}\n'))).toBe('ndjson');
    expect(detectFormat('e.json', text('[{"a":1},\n{"a":2}]'))).toBe('json');
    expect(detectFormat('e.json', text('{\n  "events": [\n'))).toBe('json');
    expect(detectFormat('e.json.gz', gzipSync('{"a":1}\n{"a":2}\n'))).toBe('ndjson');
  });
});

describe('detectFormat by content (.txt, no or unknown extension)', () => {
  it('sniffs real data', () => {
    expect(detectFormat('a.txt', head(`${DATA}/rees46_multicategory_2019-Oct_head.csv`))).toBe('csv');
    expect(detectFormat('a.txt', head(`${DATA}/nasa_19950801_imhotep.tsv`))).toBe('tsv');
    expect(detectFormat('a.txt', head(`${DATA}/otto_train_head.jsonl`))).toBe('ndjson');
    expect(detectFormat('a.txt', head(`${DATA}/nasa_access_log_Aug95_head.log`))).toBe('access-log');
    expect(detectFormat('a', head(`${DATA}/elastic_apache_logs.log`))).toBe('access-log');
    expect(detectFormat('a.dat', head(`${MATOMO}/common_vhost.log`))).toBe('access-log');
  });

  it('tells JSON access logs (caddy, traefik, nginx) from event NDJSON', () => {
    for (const name of ['caddy_json.log', 'traefik_json.log', 'nginx_json.log']) {
      expect(detectFormat('a.txt', head(`${MATOMO}/${name}`))).toBe('access-log');
    }
    expect(
      detectFormat('a.txt', text('{"timestamp":"2026-01-01T00:00:00Z","anonymous_id":"a","url":"/"}\n')),
    ).toBe('ndjson');
  });

  it('sniffs gzip, Parquet magic, JSON arrays and ;-CSV', () => {
    expect(detectFormat('export.gz', gzipSync(head(`${DATA}/rees46_multicategory_2019-Oct_head.csv`)))).toBe(
      'csv',
    );
    expect(detectFormat('blob', text('PAR1\u0015\u0004'))).toBe('parquet');
    expect(detectFormat('x.txt', text('  [{"ts": 1}]'))).toBe('json');
    expect(detectFormat('x.txt', text('ts;user\n1;a\n'))).toBe('csv');
  });

  it('throws STINT_UNKNOWN_FORMAT naming the formats and --input-format', () => {
    let caught: unknown;
    try {
      detectFormat('notes.txt', text('just some words\nmore words\n'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'STINT_UNKNOWN_FORMAT' });
    expect((caught as { hint: string }).hint).toBe(
      'Name it with --input-format csv|tsv|ndjson|json|parquet|access-log',
    );
    expect(() => detectFormat('empty', Buffer.alloc(0))).toThrow(/cannot tell the input format/);
  });
});
