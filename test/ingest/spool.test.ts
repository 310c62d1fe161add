import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDeadLetters } from '../../ingest/spool/dead-letter.ts'
import { openSpool, SpoolFullError } from '../../ingest/spool/spool.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-spool-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the spool', () => {
  it('returns entries oldest first, filling a batch without splitting entries', () => {
    const spool = openSpool({ path: join(dir, 's.sqlite'), maxBytes: 1_000_000 })
    spool.append('readings', [1, 2, 3])
    spool.append('readings', [4, 5])
    spool.append('readings', [6, 7, 8])
    spool.append('alert-events', ['a'])
    const first = spool.read<number>('readings', 5)
    expect(first.map((entry) => entry.items)).toEqual([
      [1, 2, 3],
      [4, 5],
    ])
    expect(spool.read<number>('readings', 1).flatMap((e) => e.items)).toEqual([1, 2, 3])
    spool.remove('readings', first[1]!.id)
    expect(spool.read<number>('readings', 100).flatMap((e) => e.items)).toEqual([6, 7, 8])
    expect(spool.totals('readings')).toMatchObject({ items: 3 })
    expect(spool.totals('alert-events')).toMatchObject({ items: 1 })
    spool.close()
  })

  it('keeps what it accepted across a reopen, with its totals and the age of the oldest entry', () => {
    const path = join(dir, 's.sqlite')
    const before = Date.now()
    let spool = openSpool({ path, maxBytes: 1_000_000 })
    spool.append('readings', [{ v: 1 }, { v: 2 }])
    const bytes = spool.bytes()
    spool.close()
    spool = openSpool({ path, maxBytes: 1_000_000 })
    expect(spool.totals('readings')).toMatchObject({ items: 2, bytes })
    expect(spool.totals('readings').oldest).toBeGreaterThanOrEqual(before)
    expect(spool.read('readings', 10)[0]?.items).toEqual([{ v: 1 }, { v: 2 }])
    spool.close()
  })

  it('refuses an append past its maximum size and accepts again once entries are removed', () => {
    const spool = openSpool({ path: join(dir, 's.sqlite'), maxBytes: 40 })
    spool.append('readings', ['0123456789'])
    spool.append('readings', ['0123456789'])
    expect(() => spool.append('readings', ['0123456789'])).toThrow(SpoolFullError)
    expect(spool.totals('readings').items).toBe(2)
    spool.remove('readings', spool.read('readings', 1)[0]!.id)
    spool.append('readings', ['0123456789'])
    expect(spool.totals('readings').items).toBe(2)
    spool.close()
  })
})

describe('the dead-letter file', () => {
  it('records each refused batch as one JSON line with its reason, and only counts past its maximum size', async () => {
    const path = join(dir, 'dead-letter.jsonl')
    const letters = openDeadLetters({ path, maxBytes: 200 })
    expect(letters.add('readings', 'field type conflict', [{ value: 1 }])).toBe(true)
    expect(letters.add('readings', 'x', [{ value: 'y'.repeat(300) }])).toBe(false)
    const lines = (await readFile(path, 'utf8')).trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({
      stream: 'readings',
      reason: 'field type conflict',
      items: [{ value: 1 }],
    })
    expect(letters.discarded()).toBe(1)
  })
})
