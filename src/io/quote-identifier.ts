/**
 * Quote a SQL identifier for DuckDB. Only for names the program already holds (a Parquet file's
 * own column names, a writer's declared columns): values are always bound as parameters.
 *
 *   quoteIdentifier('say "hi"') → '"say ""hi"""'
 */

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
