import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { freePort } from './ports.ts'
import { startProcess, stopProcess, waitUntil } from './processes.ts'

/** Where Debian's `postgresql` package puts a server's programs: the newest version installed. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin')
}

export interface RunningPostgres {
  /** A URL of the server's `postgres` database, with the superuser's password. */
  adminUrl: string
  /** A new, empty database; its URL. */
  createDatabase(): Promise<string>
  stop(): Promise<void>
}

/**
 * initdb and postgres refuse to run as root: as root they run as Debian's `postgres` user (`runuser`), in
 * a directory that user owns; as anyone else, as themselves.
 */
function serverUser(): {
  wrap: (command: string, args: string[]) => [string, string[]]
  uid?: number
  gid?: number
} {
  if (process.getuid?.() !== 0) return { wrap: (command, args) => [command, args] }
  const [uid, gid] = ['-u', '-g'].map((flag) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' })),
  )
  return { wrap: (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]], uid, gid }
}

/**
 * Starts a throw-away PostgreSQL (Debian's `postgresql` package) on a free loopback port, with its data
 * directory and unix socket in a temporary directory, password authentication, and databases that sort
 * text by a language's rules (ICU en-US), as a production database would: what orders by bytes must say so.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = postgresBinaries()
  if (bin === undefined)
    throw new Error('PostgreSQL not found in /usr/lib/postgresql (Debian: apt-get install postgresql)')
  const user = serverUser()
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-postgres-'))
  const password = randomBytes(16).toString('hex')
  const passwordFile = join(dir, 'password')
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 })
  if (user.uid !== undefined) {
    await chown(dir, user.uid, user.gid!)
    await chown(passwordFile, user.uid, user.gid!)
  }
  const data = join(dir, 'data')
  const [initdb, initArgs] = user.wrap(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'quantrac',
    `--pwfile=${passwordFile}`,
    '--auth=scram-sha-256',
    '-E',
    'UTF8',
    '--locale-provider=icu',
    '--icu-locale=en-US',
    '--locale=C.UTF-8',
    '--no-sync',
  ])
  try {
    execFileSync(initdb, initArgs, { stdio: 'pipe' })
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(`initdb failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? err}`)
  }
  // Durability is not under test here: no fsync, so a 2-core machine shared by many runs keeps up.
  const serverArgs = (port: number) =>
    user.wrap(join(bin, 'postgres'), [
      '-D',
      data,
      '-k',
      dir,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ])
  // A free port can be taken by another process before the server binds it: then it exits, and a new port is tried.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const [postgres, args] = serverArgs(port)
    const running = startProcess(postgres, args)
    const adminUrl = `postgres://quantrac:${password}@127.0.0.1:${port}/postgres`
    const exited = () => running.child.exitCode !== null || running.child.signalCode !== null
    await waitUntil(
      async () => {
        if (exited()) return true
        await run(adminUrl, 'SELECT 1')
        return true
      },
      30_000,
      () => `postgres did not answer on 127.0.0.1:${port}: ${running.output()}`,
    )
    if (exited()) {
      if (attempt < 5 && /Address already in use/.test(running.output())) continue
      await rm(dir, { recursive: true, force: true })
      throw new Error(`postgres stopped: ${running.output()}`)
    }
    return {
      adminUrl,
      createDatabase: () => createDatabase(adminUrl),
      async stop() {
        await stopProcess(running.child, 10_000)
        await rm(dir, { recursive: true, force: true })
      },
    }
  }
}

async function run(url: string, sql: string): Promise<void> {
  const client = new pg.Client(url)
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

let databases = 0

/** A new, empty database on the server `adminUrl` reaches; its URL. */
export async function createDatabase(adminUrl: string): Promise<string> {
  const name = `quantrac_test_${process.pid}_${++databases}`
  await run(adminUrl, `CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}
