import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataDirInUseError, lockDataDir } from '../../bin/data-lock.ts'

describe('lockDataDir', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-lock-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes who holds it, and removes it on release', async () => {
    const lock = lockDataDir(join(dir, 'data'), 'quantrac.lock', 'quantrac start')
    const holder = JSON.parse(await readFile(lock.path, 'utf8'))
    expect(holder).toMatchObject({ pid: process.pid, command: 'quantrac start' })
    lock.release()
    expect(existsSync(lock.path)).toBe(false)
    lock.release()
  })

  it('refuses while a live process holds it, naming the process', async () => {
    // The test runner's parent is alive for as long as this test runs.
    const holder = {
      pid: process.ppid,
      command: 'node bin/quantrac.js start',
      startedAt: '2026-12-01T00:00:00.000Z',
    }
    await writeFile(join(dir, 'quantrac.lock'), JSON.stringify(holder))
    let thrown: unknown
    try {
      lockDataDir(dir, 'quantrac.lock')
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(DataDirInUseError)
    expect((thrown as Error).message).toBe(
      `the data directory ${dir} is in use by process ${process.ppid} (node bin/quantrac.js start), running since 2026-12-01T00:00:00.000Z: stop that process first, or give this one another QUANTRAC_DATA_DIR`,
    )
    expect(JSON.parse(await readFile(join(dir, 'quantrac.lock'), 'utf8'))).toEqual(holder)
  })

  it.each([
    [
      'a process that is gone',
      () => JSON.stringify({ pid: spawnSync(process.execPath, ['-e', '']).pid, command: 'x', startedAt: '' }),
    ],
    ['a half-written file', () => '{"pid":'],
    ['an empty file', () => ''],
  ])('takes over the lock of %s', async (_, content) => {
    await writeFile(join(dir, 'quantrac.lock'), content())
    const lock = lockDataDir(dir, 'quantrac.lock')
    expect(JSON.parse(await readFile(lock.path, 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  it('never removes a lock another process took over', async () => {
    const lock = lockDataDir(dir, 'quantrac.lock')
    await writeFile(lock.path, JSON.stringify({ pid: process.ppid, command: 'other', startedAt: '' }))
    lock.release()
    expect(existsSync(lock.path)).toBe(true)
  })
})
