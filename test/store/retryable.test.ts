import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqliteStore } from '../../store/sqlite/store.ts'
import type { TimeSeriesStore } from '../../store/types.ts'

/** The error SQLite itself raises for `sql`. */
function sqliteError(sql: string): unknown {
  const db = new DatabaseSync(':memory:')
  try {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)')
    db.exec(sql)
  } catch (err) {
    return err
  } finally {
    db.close()
  }
  throw new Error(`no error from ${sql}`)
}

describe('the SQLite store says which failed writes may pass later', () => {
  let dir: string
  let store: TimeSeriesStore
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-retryable-'))
    store = createSqliteStore(join(dir, 'timeseries.sqlite'))
  })
  afterAll(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('never retries data SQLite refuses (a constraint)', () => {
    expect(store.isRetryable(sqliteError('INSERT INTO t (id, v) VALUES (1, NULL)'))).toBe(false)
  })

  it('retries a locked database and anything that is not SQLite refusing the data', () => {
    const writer = new DatabaseSync(join(dir, 'locked.sqlite'))
    const other = new DatabaseSync(join(dir, 'locked.sqlite'), { timeout: 0 })
    writer.exec('CREATE TABLE t (v); BEGIN EXCLUSIVE')
    let busy: unknown
    try {
      other.exec('INSERT INTO t VALUES (1)')
    } catch (err) {
      busy = err
    }
    writer.exec('ROLLBACK')
    writer.close()
    other.close()
    expect((busy as { errcode?: number }).errcode).toBe(5)
    expect(store.isRetryable(busy)).toBe(true)
    expect(store.isRetryable(new Error('disk went away'))).toBe(true)
  })
})
