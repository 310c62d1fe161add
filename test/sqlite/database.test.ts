import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/** Opens the store and the registry on `path` in a thread of its own, once a shared flag says go. */
const OPENER = `
const { workerData, parentPort } = require('node:worker_threads')
const go = new Int32Array(workerData.flag)
Atomics.wait(go, 0, 0)
import(workerData.module).then(
  // The store's close is async (it waits for a batch being written): answer once it has closed.
  (m) => Promise.resolve(m[workerData.open](workerData.path).close()).then(() => parentPort.postMessage('ok')),
  (err) => parentPort.postMessage(String(err && err.message)),
)
`

function openTogether(module: string, open: string, path: string, threads: number): Promise<string[]> {
  const flag = new SharedArrayBuffer(4)
  const answers = Array.from(
    { length: threads },
    () =>
      new Promise<string>((resolve, reject) => {
        const worker = new Worker(OPENER, { eval: true, workerData: { module, open, path, flag } })
        worker.once('message', (answer: string) => {
          resolve(answer)
          void worker.terminate()
        })
        worker.once('error', reject)
      }),
  )
  // Give every thread time to reach its wait, then release them all at once.
  return new Promise((resolve) =>
    setTimeout(() => {
      Atomics.store(new Int32Array(flag), 0, 1)
      Atomics.notify(new Int32Array(flag), 0)
      resolve(Promise.all(answers))
    }, 500),
  )
}

describe('migrations of a new SQLite file opened by several processes at once', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-migrate-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it.each([
    ['the time-series store', '../../store/sqlite/store.ts', 'createSqliteStore'],
    ['the registry', '../../registry/sqlite/registry.ts', 'openSqliteRegistry'],
  ])('%s: each migration runs once, whoever opens first', { timeout: 60_000 }, async (_, module, open) => {
    const url = new URL(module, import.meta.url).href
    for (let round = 0; round < 5; round++) {
      const path = join(dir, `${open}-${round}.sqlite`)
      expect(await openTogether(url, open, path, 4)).toEqual(['ok', 'ok', 'ok', 'ok'])
      const db = new DatabaseSync(path, { readOnly: true })
      expect(
        (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version,
      ).toBeGreaterThan(0)
      db.close()
    }
  })
})
