/**
 * CSV formula injection (OWASP): a text field that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is run as a formula by spreadsheets. Such text from visitors (referrers, UTM
 * fields, URLs, event names, raw log lines…) is written with a leading `'`, which spreadsheets
 * show as text. Only strings are touched: numbers, such as a negative value, stay numbers.
 *
 *   neutralizeFormula('=HYPERLINK("http://x")')  // "'=HYPERLINK(\"http://x\")"
 *   neutralizeFormula('/pricing')                 // '/pricing'
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** How text fields are written: `safe` neutralizes formulas (the default), `raw` writes them as they are. */
export type CsvText = 'safe' | 'raw';
