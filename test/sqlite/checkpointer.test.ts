import { statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkpointInBackground, SAFETY_NET_PAGES } from '../../sqlite/checkpointer.ts'
import { configureShared } from '../../sqlite/database.ts'
import { waitUntil } from '../support/processes.ts'

describe('WAL checkpoints in a worker thread', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-checkpoints-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  function open(name: string) {
    const path = join(dir, name)
    const db = new DatabaseSync(path)
    configureShared(db)
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
    return { db, path, release: checkpointInBackground(db, path) }
  }

  it('copies the WAL into the database while the connection itself never checkpoints below its safety net', async () => {
    const { db, path, release } = open('a.sqlite')
    try {
      expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: SAFETY_NET_PAGES })
      const before = statSync(path).size
      const insert = db.prepare('INSERT INTO t (body) VALUES (?)')
      // ~2,000 pages: past SQLite's default automatic checkpoint (1,000), far below the safety net.
      for (let i = 0; i < 200; i++) insert.run('x'.repeat(40_000))
      expect(statSync(path).size).toBe(before)
      await waitUntil(
        async () => statSync(path).size > 200 * 40_000,
        60_000,
        () => `the database file is still ${statSync(path).size} bytes`,
      )
      expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(200)
    } finally {
      release()
      db.close()
    }
  })

  it('checkpoints several files, each until its last connection lets go', async () => {
    const a = open('a.sqlite')
    const b = open('b.sqlite')
    const again = checkpointInBackground(b.db, b.path)
    a.release()
    a.release() // a second call changes nothing
    a.db.close()
    again()
    try {
      for (let i = 0; i < 50; i++) b.db.prepare('INSERT INTO t (body) VALUES (?)').run('y'.repeat(40_000))
      await waitUntil(
        async () => statSync(b.path).size > 50 * 40_000,
        60_000,
        () => 'b was not checkpointed',
      )
    } finally {
      b.release()
      b.db.close()
    }
  })
})
