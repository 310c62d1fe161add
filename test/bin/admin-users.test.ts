import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkPassword } from '../../registry/accounts.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import { testFacility } from '../support/platform.ts'

const QUANTRAC = new URL('../../bin/quantrac.ts', import.meta.url).pathname

describe('quantrac admin create-user, list-users, disable-user', () => {
  let dataDir: string

  /** Runs `quantrac admin …` as a user would, with `input` on stdin; its exit code and output. */
  function admin(args: string[], { input = '', env = {} }: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [QUANTRAC, 'admin', ...args], {
        env: { ...process.env, QUANTRAC_DATA_DIR: dataDir, ...env },
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk) => (stdout += chunk))
      child.stderr.on('data', (chunk) => (stderr += chunk))
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
      child.stdin.end(input)
    })
  }

  async function passwordWorks(email: string, password: string) {
    const registry = openSqliteRegistry(join(dataDir, 'registry.sqlite'))
    try {
      return (await checkPassword(registry, email, password)) !== undefined
    } finally {
      registry.close()
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-admin-users-'))
    const registry = openSqliteRegistry(join(dataDir, 'registry.sqlite'))
    await registry.createFacility(testFacility('fac-1'))
    registry.close()
  })

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('creates the first admin with a generated password, printed once on stdout', async () => {
    const created = await admin([
      'create-user',
      '--email',
      'Root@Example.VN',
      '--name',
      'Nguyễn Văn An',
      '--role',
      'admin',
    ])
    expect(created.code).toBe(0)
    const password = created.stdout.trim()
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(created.stderr).toContain('created admin root@example.vn')
    expect(created.stderr).not.toContain(password)
    expect(await passwordWorks('root@example.vn', password)).toBe(true)
  })

  it('takes the password from stdin or the environment, and prints none', async () => {
    const fromStdin = await admin(
      [
        'create-user',
        '--email',
        'mai@example.vn',
        '--name',
        'Mai',
        '--role',
        'officer',
        '--facility',
        'fac-1',
        '--password-stdin',
      ],
      { input: 'a long passphrase typed in\n' },
    )
    expect(fromStdin).toMatchObject({ code: 0, stdout: '' })
    expect(await passwordWorks('mai@example.vn', 'a long passphrase typed in')).toBe(true)
    const fromEnv = await admin(
      ['create-user', '--email', 'lan@example.vn', '--name', 'Lan', '--role', 'regulator'],
      {
        env: { QUANTRAC_USER_PASSWORD: 'another long passphrase' },
      },
    )
    expect(fromEnv).toMatchObject({ code: 0, stdout: '' })
    expect(await passwordWorks('lan@example.vn', 'another long passphrase')).toBe(true)
  })

  it.each([
    [
      ['--email', 'x@example.vn', '--name', 'X', '--role', 'officer'],
      '--facility is required for an officer',
    ],
    [['--email', 'x@example.vn', '--name', 'X', '--role', 'contractor'], '--organisation is required'],
    [['--email', 'not-an-address', '--name', 'X', '--role', 'admin'], '--email must be an e-mail address'],
    [['--email', 'x@example.vn', '--role', 'admin'], '--name is required'],
    [['--email', 'x@example.vn', '--name', 'X', '--role', 'owner'], '--role is one of'],
  ])('refuses %j with exit 2 and creates nobody', async (args, message) => {
    const refused = await admin(['create-user', ...args])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(message)
  })

  it('refuses a short password, and an e-mail taken in another case', async () => {
    const short = await admin(['create-user', '--email', 'y@example.vn', '--name', 'Y', '--role', 'admin'], {
      env: { QUANTRAC_USER_PASSWORD: 'short' },
    })
    expect(short.code).toBe(2)
    expect(short.stderr).toContain('12–128 characters')
    const taken = await admin([
      'create-user',
      '--email',
      'MAI@example.vn',
      '--name',
      'Mai 2',
      '--role',
      'admin',
    ])
    expect(taken.code).toBe(1)
    expect(taken.stderr).toContain('exists already')
  })

  it('lists people with their grants and state, and disables one by e-mail, once', async () => {
    const disabled = await admin(['disable-user', 'Mai@example.vn'])
    expect(disabled.code).toBe(0)
    const listed = await admin(['list-users'])
    expect(listed.stdout.split('\n')[0]).toBe('id\temail\tgrants\tstate\tname')
    expect(listed.stdout).toMatch(/\tmai@example\.vn\tofficer:fac-1\tdisabled \d{4}-/)
    expect(listed.stdout).toMatch(/\troot@example\.vn\tadmin:all\tactive\tNguyễn Văn An/)
    expect((await admin(['disable-user', 'mai@example.vn'])).code).toBe(1)
    expect((await admin(['create-user', '--help'])).stdout).toContain('create-user --email EMAIL')
  })
})
