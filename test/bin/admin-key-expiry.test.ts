import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseApiKey } from '../../registry/credentials.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'

const run = promisify(execFile)
const QUANTRAC = new URL('../../bin/quantrac.ts', import.meta.url).pathname

describe('quantrac admin create-key --expires', () => {
  let dataDir: string

  /** Runs `quantrac admin …` as a user would, and returns its exit code and output. */
  async function admin(...args: string[]) {
    try {
      const { stdout, stderr } = await run(process.execPath, [QUANTRAC, 'admin', ...args], {
        env: { ...process.env, QUANTRAC_DATA_DIR: dataDir },
      })
      return { code: 0, stdout, stderr }
    } catch (err) {
      const failed = err as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-admin-'))
  })

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('creates a key that expires, and lists when', async () => {
    const created = await admin('create-key', '--role', 'regulator', '--expires', '2099-01-01T07:00:00+07:00')
    expect(created.code).toBe(0)
    const { id } = parseApiKey(created.stdout.trim())!
    const registry = openSqliteRegistry(join(dataDir, 'registry.sqlite'))
    expect((await registry.findApiKey(id))?.expiresAt).toBe(Date.parse('2099-01-01T00:00:00Z'))
    registry.close()
    const listed = await admin('list-keys')
    expect(listed.stdout).toContain(`${id}\tregulator\tall\texpires 2099-01-01T00:00:00.000Z`)
  })

  it.each([
    ['2020-01-01T00:00:00Z', '--expires must be in the future'],
    ['tomorrow', '--expires is ISO-8601 with an offset'],
    ['2099-01-01', '--expires is ISO-8601 with an offset'],
  ])('refuses --expires %s with exit 2 and makes no key', async (expires, message) => {
    const refused = await admin('create-key', '--role', 'admin', '--expires', expires)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(message)
    expect(refused.stdout).toBe('')
  })
})
