/**
 * Catalogue parameters as commander options: `limit` is `--limit <n>` with its help and
 * default, `filter` a repeatable `--filter <dim=value>`, `any_order` a switch `--any-order`.
 *
 *   addParamFlag(cmd, { name: 'click_event', kind: 'text', default: 'click', placeholder: 'name', help: '…' });
 *   planAnalysis(entry, rawParams(cmd, entry), CLI_SPELLING);
 */
import { type Command, Option } from 'commander';
import { type Analysis, type Param, paramsOf, QUERY_PARAMS, type RawParams } from '../../analysis/catalog.ts';

export function addParamFlag(cmd: Command, p: Param): Command {
  const long = `--${p.name.replaceAll('_', '-')}`;
  const option = new Option(p.kind === 'flag' ? long : `${long} <${p.placeholder ?? 'value'}>`, p.help);
  if (p.kind === 'flag') option.default(false);
  else if (p.kind === 'texts')
    option.argParser((value: string, previous: string[]) => [...previous, value]).default([]);
  else if ('default' in p && p.default !== undefined) option.default(String(p.default));
  if (p.required === true) option.makeOptionMandatory();
  return cmd.addOption(option);
}

/** --from --to --tz --filter. */
export function addQueryFlags(cmd: Command): Command {
  for (const p of QUERY_PARAMS) addParamFlag(cmd, p);
  return cmd;
}

/** The command's option values by the entry's parameter names (`clickEvent` is `click_event`). */
export function rawParams(cmd: Command, entry: Pick<Analysis, 'params'>): RawParams {
  const opts = cmd.opts();
  return Object.fromEntries(paramsOf(entry).map((p) => [p.name, opts[attributeOf(p.name)]]));
}

const attributeOf = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
