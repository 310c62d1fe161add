/**
 * The worker thread of checkpointer.ts: its own connection to each file it is given, and every interval a
 * PASSIVE checkpoint of each, which copies what it can of the WAL into the database without waiting for
 * any reader or writer. A file it cannot open or checkpoint now (removed, locked) is tried again next time.
 */
import { DatabaseSync } from 'node:sqlite'
import { parentPort, workerData } from 'node:worker_threads'

export type ToCheckpointWorker = { type: 'files'; paths: string[] }

const connections = new Map<string, DatabaseSync>()

function open(path: string): DatabaseSync | undefined {
  let db = connections.get(path)
  if (db !== undefined) return db
  try {
    db = new DatabaseSync(path)
    connections.set(path, db)
    return db
  } catch {
    return undefined
  }
}

function checkpointAll(): void {
  for (const path of connections.keys()) {
    try {
      open(path)?.exec('PRAGMA wal_checkpoint(PASSIVE)')
    } catch {
      // Busy or gone: the next round tries again; the connection's own safety net stays in place.
    }
  }
}

parentPort?.on('message', function onFiles(message: ToCheckpointWorker) {
  for (const [path, db] of connections) {
    if (!message.paths.includes(path)) {
      db.close()
      connections.delete(path)
    }
  }
  for (const path of message.paths) if (!connections.has(path)) open(path)
})

setInterval(checkpointAll, (workerData as { intervalMs: number }).intervalMs)
