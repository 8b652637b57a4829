/**
 * Text as HTML for the report's static sections: every tracked string (pages, sources, event
 * names, reasons) goes through `htmlText`, so it shows as text and never runs.
 *
 *   `<td>${htmlText(page)}</td>`  // '<script>' → '&lt;script&gt;'
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const htmlText = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** A whole number with thousands separators, as the report writes counts. */
export const countText = (n: number): string => n.toLocaleString('en-US');
