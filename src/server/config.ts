/**
 * `stint serve` settings: defaults, then `stint.config.json` (or `--config FILE`), then the
 * environment, then flags. One table names each setting in all three places; docs/operations.md
 * lists the same table. A bad value fails at start with the setting's name and an example.
 *
 *   resolveConfig({ port: '8080' }, process.env) // { port: 8080, host: '127.0.0.1', … }
 */
import { existsSync, readFileSync } from 'node:fs';
import { StintError } from '../core/errors.ts';
import { SETTINGS } from './config/settings.ts';
import type { ServerConfig, Setting } from './config/types.ts';

export { SETTINGS } from './config/settings.ts';
export type { ServerConfig } from './config/types.ts';

/** Every field of ServerConfig has a row above: a missing one makes this line a type error. */
type Unset = Exclude<keyof ServerConfig, (typeof SETTINGS)[number]['key']>;
const everySettingListed: [Unset] extends [never] ? true : Unset = true;
void everySettingListed;

/** `flags`: commander's values by flag name; `env`: the environment; the file comes from `--config`, STINT_CONFIG or ./stint.config.json. */
export function resolveConfig(
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): ServerConfig {
  const configPath =
    flags.config ?? env.STINT_CONFIG ?? (existsSync('stint.config.json') ? 'stint.config.json' : undefined);
  const file = configPath === undefined ? {} : readConfigFile(configPath);
  const settings: readonly Setting[] = SETTINGS;
  const known = new Set(settings.map((s) => s.file));
  for (const key of Object.keys(file)) {
    if (!known.has(key)) {
      throw new StintError(
        'STINT_BAD_CONFIG',
        `Unknown setting "${key}" in ${configPath}`,
        `Use one of: ${[...known].join(', ')} (docs/operations.md)`,
      );
    }
  }
  const config: Record<string, unknown> = {};
  for (const s of settings) {
    const fromFlag = s.flag === undefined ? undefined : flags[s.flag];
    const fromEnv = env[s.env];
    const fromFile = file[s.file];
    if (fromFlag !== undefined) config[s.key] = s.parse(fromFlag, `--${s.flag}`);
    else if (fromEnv !== undefined && fromEnv !== '') config[s.key] = s.parse(fromEnv, s.env);
    else if (fromFile !== undefined)
      config[s.key] = s.parse(
        Array.isArray(fromFile) ? fromFile.join(',') : String(fromFile),
        `"${s.file}" in ${configPath}`,
      );
    else config[s.key] = s.fallback;
  }
  return config as unknown as ServerConfig;
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new StintError(
      'STINT_BAD_CONFIG',
      `Cannot read ${path}: ${(err as Error).message}`,
      'Give a JSON object such as {"port": 8080, "lateness": "5m"}',
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StintError(
      'STINT_BAD_CONFIG',
      `${path} is not a JSON object`,
      'Give a JSON object such as {"port": 8080, "lateness": "5m"}',
    );
  }
  return parsed as Record<string, unknown>;
}
