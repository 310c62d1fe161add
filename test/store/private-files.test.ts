import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDeadLetters } from '../../ingest/spool/dead-letter.ts'
import { openSpool } from '../../ingest/spool/spool.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import { createSqliteStore } from '../../store/sqlite/store.ts'

const modeOf = (path: string) => statSync(path).mode & 0o777

describe('the data directory', () => {
  let root: string
  let dataDir: string

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'quantrac-modes-'))
    dataDir = join(root, 'data')
  })
  afterEach(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('creates the registry, the store, the spool and the dead letters readable by their owner only', async () => {
    const registry = openSqliteRegistry(join(dataDir, 'registry.sqlite'))
    const store = createSqliteStore(join(dataDir, 'timeseries.sqlite'))
    const spool = openSpool({ path: join(dataDir, 'spool', 'quantrac-ingest.sqlite'), maxBytes: 1 << 20 })
    spool.append('readings', [{ value: 1 }])
    const deadLetters = openDeadLetters({
      path: join(dataDir, 'spool', 'dead-letter.jsonl'),
      maxBytes: 1 << 20,
    })
    deadLetters.add('readings', 'refused by the store', [{ value: 1 }])
    try {
      expect(modeOf(dataDir)).toBe(0o700)
      expect(modeOf(join(dataDir, 'spool'))).toBe(0o700)
      for (const file of [
        'registry.sqlite',
        'registry.sqlite-wal',
        'registry.sqlite-shm',
        'timeseries.sqlite',
        'timeseries.sqlite-wal',
        'spool/quantrac-ingest.sqlite',
        'spool/quantrac-ingest.sqlite-wal',
        'spool/dead-letter.jsonl',
      ]) {
        expect([file, modeOf(join(dataDir, file))]).toEqual([file, 0o600])
      }
    } finally {
      spool.close()
      await store.close()
      registry.close()
    }
  })

  it('tightens what an earlier version left readable to others', () => {
    mkdirSync(join(dataDir, 'spool'), { recursive: true, mode: 0o755 })
    chmodSync(dataDir, 0o755)
    for (const file of ['registry.sqlite-wal', 'spool/dead-letter.jsonl']) {
      writeFileSync(join(dataDir, file), '', { mode: 0o644 })
      chmodSync(join(dataDir, file), 0o644)
    }
    const registry = openSqliteRegistry(join(dataDir, 'registry.sqlite'))
    openDeadLetters({ path: join(dataDir, 'spool', 'dead-letter.jsonl'), maxBytes: 1 << 20 })
    try {
      expect(modeOf(dataDir)).toBe(0o700)
      expect(modeOf(join(dataDir, 'spool'))).toBe(0o700)
      expect(modeOf(join(dataDir, 'registry.sqlite'))).toBe(0o600)
      expect(modeOf(join(dataDir, 'registry.sqlite-wal'))).toBe(0o600)
      expect(modeOf(join(dataDir, 'spool/dead-letter.jsonl'))).toBe(0o600)
    } finally {
      registry.close()
    }
  })
})
