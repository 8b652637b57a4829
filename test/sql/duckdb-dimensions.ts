/** The session dimensions' DuckDB SQL as plans.ts wrote them before the dialects (for the reference SQL). */
/** The host of a referrer URL, lower case, without user info or port; '' when it has none. */
const REFERRER_DOMAIN = `lower(regexp_extract(referrer, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/:?#@]+)', 1))`;

/** Session dimensions an analysis can group or filter by, and the SQL behind each. */
export const SESSION_DIMENSIONS_DUCKDB: Record<string, string> = {
  /** Where the visit came from: utm_source, else the referrer's domain, else '(direct)'. */
  traffic_source: `coalesce(nullif(source, ''), nullif(${REFERRER_DOMAIN}, ''), '(direct)')`,
  referrer_domain: REFERRER_DOMAIN,
  source: 'source',
  medium: 'medium',
  campaign: 'campaign',
  referrer: 'referrer',
  entry_page: 'entry_page',
  exit_page: 'exit_page',
  device_type: 'device_type',
  browser: 'browser',
  os: 'os',
  timezone: 'timezone',
  end_reason: 'end_reason',
  identity: 'identity',
};
