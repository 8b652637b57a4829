/**
 * Text order as the SQL engines sort it (DuckDB's and ClickHouse's default: by UTF-8 bytes), for
 * analyses that finish a query's rows in TypeScript and must order them as ORDER BY would.
 */
export const compareText = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
