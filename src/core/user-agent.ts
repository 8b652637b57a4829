/**
 * User agent → device type, browser and OS, with ua-parser-js 1.x (MIT; 2.x is AGPL and not
 * used). Parsed once per distinct user agent string.
 *
 *   describeAgent('Mozilla/5.0 (iPhone; …) … Safari/604.1') // { deviceType: 'mobile', browser: 'Mobile Safari', os: 'iOS' }
 */
import { UAParser } from 'ua-parser-js';

export interface AgentInfo {
  readonly deviceType: string;
  readonly browser: string;
  readonly os: string;
}

const EMPTY: AgentInfo = Object.freeze({ deviceType: '', browser: '', os: '' });
const cache = new Map<string, AgentInfo>();
const CACHE_LIMIT = 100_000;

export function describeAgent(userAgent: string): AgentInfo {
  if (userAgent === '' || userAgent === '-') return EMPTY;
  let info = cache.get(userAgent);
  if (info === undefined) {
    const r = new UAParser(userAgent).getResult();
    info = Object.freeze({
      deviceType: r.device.type ?? (r.browser.name !== undefined || r.os.name !== undefined ? 'desktop' : ''),
      browser: r.browser.name ?? '',
      os: r.os.name ?? '',
    });
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(userAgent, info);
  }
  return info;
}
