/**
 * Group commit: callers hand in one item each and get their own result, while the items are
 * written in as few statements as the load allows. The first item is written at once (no added
 * latency when the system is quiet); items that arrive while a write is in flight wait for it and
 * then go together in the next one, up to `maxBatch` per write. A failed write fails the callers
 * of that write only.
 * @module
 */

/** Writes a batch; resolves to one result per item, in order. */
export type BatchWrite<Item, Result> = (items: Item[]) => Promise<Result[]>

export type GroupCommit<Item, Result> = {
  (item: Item): Promise<Result>
  /** Resolves when nothing is queued or in flight. */
  idle: () => Promise<void>
}

type Waiting<Item, Result> = {
  item: Item
  resolve: (result: Result) => void
  reject: (error: unknown) => void
}

export function groupCommit<Item, Result>(
  write: BatchWrite<Item, Result>,
  options: { maxBatch?: number } = {}
): GroupCommit<Item, Result> {
  const maxBatch = options.maxBatch ?? 100
  const queue: Waiting<Item, Result>[] = []
  let flushing: Promise<void> | undefined

  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch)
      try {
        const results = await write(batch.map((waiting) => waiting.item))
        if (results.length !== batch.length) {
          throw new Error(`group commit: ${results.length} results for ${batch.length} items`)
        }
        batch.forEach((waiting, i) => waiting.resolve(results[i]!))
      } catch (error) {
        for (const waiting of batch) waiting.reject(error)
      }
    }
  }

  const submit = (item: Item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject })
      flushing ??= flush().finally(() => {
        flushing = undefined
      })
    })
  submit.idle = async () => {
    while (flushing) await flushing
  }
  return submit
}
