import { DatabaseSync } from 'node:sqlite'
import { ensurePrivateFile, SQLITE_COMPANIONS } from '../../store/private-files.ts'

export interface SpoolOptions {
  /** The spool's SQLite file; created with its folder when missing. */
  path: string
  /** Appends are refused past this many bytes of items not yet in the store. */
  maxBytes: number
}

/** One append: the items of one commit, in order. */
export interface SpoolEntry<T> {
  id: number
  /** Epoch ms of the append. */
  created: number
  items: T[]
}

export interface SpoolTotals {
  items: number
  bytes: number
  /** Epoch ms of the oldest entry still waiting, undefined when empty. */
  oldest: number | undefined
}

/** The spool has reached its maximum size: nothing more is accepted until the store takes some. */
export class SpoolFullError extends Error {
  override name = 'SpoolFullError'
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entry (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  stream TEXT NOT NULL,
  created INTEGER NOT NULL,
  items INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entry_by_stream ON entry (stream, id);
`

/**
 * A disk-backed FIFO per stream (readings, alert events, exposures) in one SQLite file: every append is one
 * transaction, fsynced before it returns, so whatever `append` accepted survives a crash of the process or
 * the machine. Entries leave only through `remove`, once the store has them. See README.md for the choice.
 *
 * @example
 * const spool = openSpool({ path: 'data/spool/ingest.sqlite', maxBytes: 1 << 30 })
 * spool.append('readings', batch)               // durable now
 * const entries = spool.read('readings', 5000)  // oldest first
 * await store.writeReadings(entries.flatMap((e) => e.items))
 * spool.remove('readings', entries.at(-1)!.id)
 */
export function openSpool(options: SpoolOptions) {
  ensurePrivateFile(options.path, SQLITE_COMPANIONS)
  const db = new DatabaseSync(options.path)
  db.exec('PRAGMA journal_mode = WAL')
  // FULL: the WAL is fsynced at every commit. Ingest acknowledges a message only after that.
  db.exec('PRAGMA synchronous = FULL')
  db.exec(SCHEMA)

  const insert = db.prepare('INSERT INTO entry (stream, created, items, bytes, body) VALUES (?, ?, ?, ?, ?)')
  const select = db.prepare(
    'SELECT id, created, items, body FROM entry WHERE stream = ? AND id > ? ORDER BY id LIMIT ?',
  )
  const selectOldest = db.prepare('SELECT created FROM entry WHERE stream = ? ORDER BY id LIMIT 1')
  const summed = db.prepare(
    'SELECT count(*) AS entries, coalesce(sum(items), 0) AS items, coalesce(sum(bytes), 0) AS bytes FROM entry WHERE stream = ? AND id <= ?',
  )
  const deleteUpTo = db.prepare('DELETE FROM entry WHERE stream = ? AND id <= ?')
  const lastId = db.prepare('SELECT coalesce(max(id), 0) AS id FROM entry WHERE stream = ?')

  // Totals kept in memory so that size checks and metric scrapes never query.
  const totals = new Map<string, { items: number; bytes: number }>()
  for (const row of db
    .prepare('SELECT stream, sum(items) AS items, sum(bytes) AS bytes FROM entry GROUP BY stream')
    .all() as { stream: string; items: number; bytes: number }[]) {
    totals.set(row.stream, { items: row.items, bytes: row.bytes })
  }
  let totalBytes = 0
  for (const t of totals.values()) totalBytes += t.bytes

  function totalsOf(stream: string) {
    let t = totals.get(stream)
    if (t === undefined) {
      t = { items: 0, bytes: 0 }
      totals.set(stream, t)
    }
    return t
  }

  return {
    /** Stores `items` durably as one entry and returns its id, or throws SpoolFullError (nothing stored). */
    append(stream: string, items: readonly unknown[]): number {
      if (items.length === 0) throw new Error('an empty entry has no place in the spool')
      const body = JSON.stringify(items)
      const bytes = Buffer.byteLength(body)
      if (totalBytes + bytes > options.maxBytes) {
        throw new SpoolFullError(`spool full: ${totalBytes} + ${bytes} bytes exceed ${options.maxBytes}`)
      }
      const { lastInsertRowid } = insert.run(stream, Date.now(), items.length, bytes, body)
      const t = totalsOf(stream)
      t.items += items.length
      t.bytes += bytes
      totalBytes += bytes
      return Number(lastInsertRowid)
    },

    /** The oldest entries of `stream` after entry `afterId`, at least one, until `maxItems` items are reached. */
    read<T>(stream: string, maxItems: number, afterId = 0): SpoolEntry<T>[] {
      const entries: SpoolEntry<T>[] = []
      let count = 0
      let cursor = afterId
      // Entries hold up to a batch each; read a few at a time until the batch is full.
      while (count < maxItems) {
        const rows = select.all(stream, cursor, 16) as {
          id: number
          created: number
          items: number
          body: string
        }[]
        if (rows.length === 0) break
        for (const row of rows) {
          if (count > 0 && count + row.items > maxItems) return entries
          entries.push({ id: row.id, created: row.created, items: JSON.parse(row.body) as T[] })
          count += row.items
          cursor = row.id
        }
      }
      return entries
    },

    /** Forgets the entries of `stream` up to and including `id`: the store has them. */
    remove(stream: string, id: number): void {
      const removed = summed.get(stream, id) as { items: number; bytes: number }
      deleteUpTo.run(stream, id)
      const t = totalsOf(stream)
      t.items -= removed.items
      t.bytes -= removed.bytes
      totalBytes -= removed.bytes
    },

    /** The id of the newest entry of `stream`, 0 when it has none. */
    lastId(stream: string): number {
      return (lastId.get(stream) as { id: number }).id
    },

    /** Items of `stream` waiting, from memory. */
    items: (stream: string): number => totals.get(stream)?.items ?? 0,

    totals(stream: string): SpoolTotals {
      const t = totalsOf(stream)
      const oldest = t.items === 0 ? undefined : (selectOldest.get(stream) as { created: number } | undefined)
      return { items: t.items, bytes: t.bytes, oldest: oldest?.created }
    },

    /** Bytes of every stream together, against `maxBytes`. */
    bytes: () => totalBytes,
    maxBytes: options.maxBytes,
    full: () => totalBytes >= options.maxBytes,

    close(): void {
      if (db.isOpen) db.close()
    },
  }
}

export type Spool = ReturnType<typeof openSpool>
