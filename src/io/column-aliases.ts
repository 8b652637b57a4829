/**
 * The foreign column names stint reads without `--map`, field by field, in order of preference,
 * chosen from the exports of real tools (Snowplow, GA/Segment-style events, web server logs as
 * TSV/CSV, SEC EDGAR, REES46, OTTO, YOOCHOOSE). Matched case-insensitively after `--map` and
 * stint's own names; docs/store.md#columns lists them.
 *
 *   planKeys(['event_time', 'client_id'], { aliases: FILE_ALIASES }).fields
 *     // { timestamp: 'event_time', anonymous_id: 'client_id' }
 */
import type { ColumnAliases } from '../core/normalize.ts';

export const FILE_ALIASES: ColumnAliases = {
  timestamp: [
    'event_time',
    'eventtime',
    'event_timestamp',
    'time_stamp',
    'datetime',
    'date_time',
    '@timestamp',
    'timestamp_ms',
    'ts_ms',
    'derived_tstamp',
    'collector_tstamp',
    'dvce_created_tstamp',
    'created_at',
    'createdat',
    'occurred_at',
    'sent_at',
    'received_at',
    'time_local',
    // A date and a time of day in two columns (SEC EDGAR, W3C): one timestamp.
    'date time',
    'time',
    'ts',
    'date',
    'created',
    'when',
  ],
  anonymous_id: [
    'anonymousid',
    'anon_id',
    'client_id',
    'clientid',
    'visitor_id',
    'visitorid',
    'device_id',
    'deviceid',
    'domain_userid',
    'network_userid',
    'cookie_id',
    'distinct_id',
    'ip',
    'client_ip',
    'clientip',
    'ip_address',
    'remote_addr',
    'remote_host',
    'user_ipaddress',
    'host',
  ],
  user_id: ['userid', 'uid', 'user', 'customer_id', 'customerid', 'member_id', 'username', 'user_name'],
  event: ['event_name', 'eventname', 'event_type', 'eventtype', 'action', 'type'],
  url: ['page_url', 'pageurl', 'page', 'uri', 'request_uri', 'path', 'page_path'],
  referrer: ['referer', 'page_referrer', 'http_referer', 'http_referrer'],
  user_agent: ['useragent', 'http_user_agent', 'ua'],
  // Only when nothing above gives an identity: a session id is the best key left.
  identity: ['session', 'sessionid', 'session_id', 'user_session', 'domain_sessionid', 'visit_id', 'visitid'],
};
