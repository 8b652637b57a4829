/**
 * Finding the items a store refuses among many, when storing them all at once failed: one
 * event that the store cannot take must not hold up every event after it. The caller stores
 * what is kept and sets the refused items aside, with the store's reason.
 *
 *   const { kept, refused } = await partitionStorable(events, tryStore, storeWorks);
 */

export interface Refused<T> {
  readonly item: T;
  /** The store's error message. */
  readonly reason: string;
}

/**
 * Splits `items` into those kept and those refused, in order. `tryStore(items)` stores them in a
 * transaction that it rolls back, and gives the error message when storing failed. The kept
 * items grow a block at a time; a block refused beside them is halved, down to the single items
 * refused beside them. About 2·log2(n) tries per refused item, each of the items kept so far
 * and a block (so an item refused only beside an earlier one is caught too).
 *
 * A single refused item is the item's fault only when the store works (`storeWorks(kept)`: it
 * takes the items kept so far and an item known to be fine, as many as the try that refused it)
 * and the item is refused again. Else the store is failing, whatever it is given or past some
 * size: this throws the store's error, and nothing is set aside.
 */
export async function partitionStorable<T>(
  items: readonly T[],
  tryStore: (items: readonly T[]) => Promise<string | undefined>,
  storeWorks: (kept: readonly T[]) => Promise<boolean>,
): Promise<{ kept: T[]; refused: Refused<T>[] }> {
  const kept: T[] = [];
  const refused: Refused<T>[] = [];
  /** The blocks still to try, the next one last. */
  const blocks: T[][] = items.length === 0 ? [] : [items.slice()];
  while (blocks.length > 0) {
    const block = blocks.pop()!;
    const reason = await tryStore([...kept, ...block]);
    if (reason === undefined) {
      kept.push(...block);
    } else if (block.length > 1) {
      const half = block.length >> 1;
      blocks.push(block.slice(half), block.slice(0, half));
    } else if (!(await storeWorks(kept))) {
      throw new Error(reason);
    } else if ((await tryStore([...kept, ...block])) === undefined) {
      kept.push(...block); // refused for a moment only
    } else {
      refused.push({ item: block[0]!, reason });
    }
  }
  return { kept, refused };
}
