/**
 * Catalogue parameters as commander options: `limit` is `--limit <n>` with its help and
 * default, `filter` a repeatable `--filter <dim=value>`, `any_order` a switch `--any-order`.
 *
 *   addParamFlag(cmd, { name: 'click_event', kind: 'text', default: 'click', placeholder: 'name', help: '…' });
 *   planAnalysis(entry, rawParams(cmd, entry), CLI_SPELLING);
 */
import { type Command, Option } from 'commander';
import {
  type Analysis,
  CLI_SPELLING,
  type Param,
  paramsOf,
  QUERY_PARAMS,
  type RawParams,
  type RawValue,
} from '../../analysis/catalog.ts';
import { StintError } from '../../core/errors.ts';

export function addParamFlag(cmd: Command, p: Param): Command {
  const long = `--${p.name.replaceAll('_', '-')}`;
  const option = new Option(p.kind === 'flag' ? long : `${long} <${p.placeholder ?? 'value'}>`, p.help);
  if (p.kind === 'flag') option.default(false);
  else if (p.kind === 'texts')
    option.argParser((value: string, previous: string[]) => [...previous, value]).default([]);
  else if ('default' in p && p.default !== undefined) option.default(String(p.default));
  // A positional parameter may come as the argument instead: its presence is checked in rawParams.
  if (p.required === true && p.positional !== true) option.makeOptionMandatory();
  return cmd.addOption(option);
}

/** --from --to --tz --filter. */
export function addQueryFlags(cmd: Command): Command {
  for (const p of QUERY_PARAMS) addParamFlag(cmd, p);
  return cmd;
}

/** The entry's positional parameters as the command's optional arguments: `stint profile [identity]`. */
export function addPositionals(cmd: Command, entry: Pick<Analysis, 'params'>): Command {
  for (const p of entry.params.filter((x) => x.positional === true)) cmd.argument(`[${p.name}]`, p.help);
  return cmd;
}

/**
 * The command's option values by the entry's parameter names (`clickEvent` is `click_event`); a
 * positional parameter's value is its flag's, else its argument's (both given: refused).
 */
export function rawParams(cmd: Command, entry: Pick<Analysis, 'params'>): RawParams {
  const opts = cmd.opts();
  const positionals = entry.params.filter((p) => p.positional === true);
  const raw: Record<string, RawValue> = Object.fromEntries(
    paramsOf(entry).map((p) => [p.name, opts[attributeOf(p.name)] as RawValue]),
  );
  positionals.forEach((p, i) => {
    const arg = cmd.processedArgs[i] as string | undefined;
    const flag = CLI_SPELLING.name(p.name);
    if (arg !== undefined && raw[p.name] !== undefined)
      throw new StintError(
        'STINT_BAD_FLAG',
        `${p.name} is given twice`,
        `Give either ${p.name.toUpperCase()} or ${flag}`,
      );
    raw[p.name] = raw[p.name] ?? arg;
    if (p.required === true && raw[p.name] === undefined)
      throw new StintError('STINT_BAD_FLAG', `${p.name.toUpperCase()} is missing`, `Give it: ${p.help}`);
  });
  return raw;
}

const attributeOf = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
