/**
 * String ↔ small integer codes, so the batch driver compares numbers, not strings.
 * Code 0 is always the empty string.
 *
 *   const d = new Dictionary(); d.code('a') === 1; d.value(1) === 'a'; d.code('') === 0
 */
export class Dictionary {
  readonly #codes = new Map<string, number>([['', 0]]);
  readonly values: string[] = [''];

  /** A dictionary whose code i is values[i] (values[0] must be '', and no value repeats). */
  static of(values: readonly string[]): Dictionary {
    const d = new Dictionary();
    for (const v of values) d.code(v);
    if (d.size !== values.length || values[0] !== '')
      throw new Error('Dictionary.of: values must be distinct, from ""');
    return d;
  }

  code(value: string): number {
    let c = this.#codes.get(value);
    if (c === undefined) {
      c = this.values.length;
      this.#codes.set(value, c);
      this.values.push(value);
    }
    return c;
  }

  /** The code of a value if it was seen, else -1. */
  find(value: string): number {
    return this.#codes.get(value) ?? -1;
  }

  value(code: number): string {
    return this.values[code] ?? '';
  }

  get size(): number {
    return this.values.length;
  }
}
