/**
 * Why an input row or a collected event is refused: one union for the file readers (io/), the
 * normalizer, the collector and the store, so that a `rejects` row, a `--rejects` file and an
 * answer's `rejected[].code` speak the same words. docs/operations.md ("Rejected rows and events") lists them.
 */

/** A line a reader could not read as a record at all (io/). */
export const READ_REJECT_REASONS = [
  'broken_quoting',
  'invalid_utf8',
  'invalid_json',
  'not_an_object',
  'cut_line',
  'unparseable',
] as const;

/** A record that is no event (core/normalize.ts): from a file or from the collector. */
export const EVENT_REJECT_REASONS = ['bad_timestamp', 'no_identity', 'bad_value', 'bad_timezone'] as const;

/** An event only the collector refuses (server/collect.ts): beside those of EVENT_REJECT_REASONS. */
export const COLLECTOR_REJECT_REASONS = ['invalid', 'site_mismatch'] as const;

/** An accepted event the store refused, kept in its `rejects` table (the server's writer). */
export const STORE_REJECT_REASONS = ['unstorable'] as const;

export const REJECT_REASONS = [
  ...READ_REJECT_REASONS,
  ...EVENT_REJECT_REASONS,
  ...COLLECTOR_REJECT_REASONS,
  ...STORE_REJECT_REASONS,
] as const;

/** Every reason a row or an event is refused for. */
export type RejectReason = (typeof REJECT_REASONS)[number];
/** Why a line could not become a record (reading level). */
export type ReadRejectReason = (typeof READ_REJECT_REASONS)[number];
/** Why a record is no event (the normalizer's). */
export type EventRejectReason = (typeof EVENT_REJECT_REASONS)[number];
/** Why the collector refuses an event: the normalizer's reasons and its own. */
export type CollectorRejectReason = EventRejectReason | (typeof COLLECTOR_REJECT_REASONS)[number];
