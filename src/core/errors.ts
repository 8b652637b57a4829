/**
 * The one error catalogue. Each error has a stable code, a message that tells the user what to
 * do, and an exit code for the CLI (1 usage, 2 input). Codes are never reused.
 *
 *   throw new StintError('STINT_BAD_DURATION', 'Cannot read duration "3x"', 'Use ms, s, m, h, d: 90s, 1h30m');
 */

export const ERROR_CODES = {
  STINT_BAD_DURATION: { exit: 1 },
  STINT_BAD_RULES: { exit: 1 },
  STINT_BAD_TIMEZONE: { exit: 1 },
  STINT_BAD_FLAG: { exit: 1 },
  STINT_BAD_MAP: { exit: 1 },
  STINT_NO_INPUT: { exit: 2 },
  STINT_UNREADABLE: { exit: 2 },
  STINT_UNKNOWN_FORMAT: { exit: 2 },
  STINT_EMPTY_INPUT: { exit: 2 },
  STINT_TOO_MANY_REJECTS: { exit: 2 },
  STINT_UNMAPPED_COLUMNS: { exit: 2 },
  STINT_ALL_REJECTED: { exit: 2 },
  STINT_STREAM_CLOSED: { exit: 1 },
  STINT_STORE_LOCKED: { exit: 2 },
  STINT_STORE_UNREADABLE: { exit: 2 },
  STINT_RULES_CHANGED: { exit: 1 },
  STINT_NO_SITE: { exit: 1 },
  STINT_BAD_SITE: { exit: 1 },
  STINT_NO_TOKEN: { exit: 1 },
  STINT_REGISTRY_UNREADABLE: { exit: 2 },
  STINT_REGISTRY_LOCKED: { exit: 2 },
  STINT_BAD_CONFIG: { exit: 1 },
  STINT_QUERY_TIMEOUT: { exit: 2 },
} as const;

export type StintErrorCode = keyof typeof ERROR_CODES;

export class StintError extends Error {
  readonly code: StintErrorCode;
  readonly hint: string | undefined;

  constructor(code: StintErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'StintError';
    this.code = code;
    this.hint = hint;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}
