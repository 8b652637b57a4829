/**
 * Column names as found in a file (CSV header, Parquet schema), made safe as record keys while
 * staying the file's own names: empty → `column_3`, repeats → `name_2`, `__proto__` → `column_N`.
 *
 *   columnKeys(['ts', '', 'ts']) → ['ts', 'column_2', 'ts_2']
 */

export function columnKeys(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name, i) => {
    let key = name === '' || name === '__proto__' ? `column_${i + 1}` : name;
    for (let n = 2; seen.has(key); n++) key = `${name}_${n}`;
    seen.add(key);
    return key;
  });
}
