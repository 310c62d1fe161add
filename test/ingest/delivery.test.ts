import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { type Committable, createDelivery } from '../../ingest/spool/delivery.ts'

/** A writer whose store answers when told to: what delivery sees of the batch writer. */
function heldStore() {
  let added = 0
  let committed = 0
  let stored = 0
  const waiting: { through: number; resolve: () => void }[] = []
  const writer: Committable & { add(): void } = {
    add: () => void added++,
    commit() {
      committed = added
      return true
    },
    uncommitted: () => added - committed,
    whenStored() {
      if (stored >= committed) return Promise.resolve()
      return new Promise((resolve) => waiting.push({ through: committed, resolve }))
    },
  }
  return {
    writer,
    /** The store takes everything committed so far. */
    async storeAll() {
      stored = committed
      for (const w of waiting.splice(0)) w.resolve()
      await new Promise((resolve) => setImmediate(resolve))
    },
  }
}

describe('delivery that acknowledges once in the store', () => {
  it('acknowledges only what the store holds, in order, and stops reading past its bound until the store catches up', async () => {
    const store = heldStore()
    const commitItems = 10
    const delivery = createDelivery({
      writers: [store.writer],
      commitIntervalMs: 60_000,
      commitItems,
      onMessage: () => void store.writer.add(),
      durableAt: 'store',
      log: pino({ level: 'silent' }),
    })
    const acknowledged: number[] = []
    const resumed: number[] = []
    // Four commits' worth is the bound: the 41st message is taken, its link not let go on.
    for (let i = 0; i < 41; i++) {
      delivery.sink.receive(
        't',
        Buffer.from(''),
        () => acknowledged.push(i),
        () => resumed.push(i),
      )
    }
    // The last one committed now rather than by the timer: nothing here waits for a clock.
    expect(delivery.commit()).toBe(true)
    expect(acknowledged).toEqual([])
    expect(delivery.unacknowledged()).toBe(41)
    expect(resumed).not.toContain(40)
    await store.storeAll()
    expect(acknowledged).toEqual([...Array(41).keys()])
    expect(resumed).toContain(40)
    expect(delivery.unacknowledged()).toBe(0)
    await delivery.stop()
  })
})
