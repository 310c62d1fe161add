/**
 * WAL checkpoints off the event loop. SQLite checkpoints on its own inside the COMMIT that takes the WAL
 * past `wal_autocheckpoint` pages (1,000): it copies them into the database and fsyncs it there and then,
 * which held the event loop 10–25 ms in one of three state saves and alert recordings under load at
 * 100,000 sensors (bench section 7), and up to 50 ms in the spool. A file handed here is checkpointed by
 * one worker thread for the whole process, on its own connection, every CHECKPOINT_INTERVAL_MS, PASSIVE
 * (never waiting for a reader or a writer); the file's own automatic checkpoint stays, raised to
 * SAFETY_NET_PAGES, for a worker that falls behind. Durability is unchanged: a commit is as durable as its
 * `synchronous` setting says before any checkpoint copies it.
 */
import type { DatabaseSync } from 'node:sqlite'
import { Worker } from 'node:worker_threads'
import type { ToCheckpointWorker } from './checkpoint-worker.ts'

export const CHECKPOINT_INTERVAL_MS = 1_000
/** ~40 MB of WAL at 4 KB pages: reached only if the worker has not checkpointed for many seconds. */
export const SAFETY_NET_PAGES = 10_000

let worker: Worker | undefined
/** Each file's open connections in this process: checkpointed while one is open. */
const openCount = new Map<string, number>()

function tellWorker(): void {
  if (openCount.size === 0) {
    void worker?.terminate()
    worker = undefined
    return
  }
  if (worker === undefined) {
    worker = new Worker(new URL('./checkpoint-worker.ts', import.meta.url), {
      workerData: { intervalMs: CHECKPOINT_INTERVAL_MS },
    })
    // Never what keeps a process alive; a worker that fails leaves the safety net to checkpoint.
    worker.unref()
    worker.on('error', () => {
      worker = undefined
    })
  }
  worker.postMessage({ type: 'files', paths: [...openCount.keys()] } satisfies ToCheckpointWorker)
}

/**
 * Moves `db`'s checkpoints (a WAL file at `path`) to the process's checkpoint worker. Returns the function
 * to call before the connection closes.
 */
export function checkpointInBackground(db: DatabaseSync, path: string): () => void {
  db.exec(`PRAGMA wal_autocheckpoint = ${SAFETY_NET_PAGES}`)
  openCount.set(path, (openCount.get(path) ?? 0) + 1)
  tellWorker()
  let released = false
  return function release() {
    if (released) return
    released = true
    const left = (openCount.get(path) ?? 1) - 1
    if (left > 0) openCount.set(path, left)
    else openCount.delete(path)
    tellWorker()
  }
}
