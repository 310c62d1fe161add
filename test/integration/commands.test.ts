import { spawn } from 'node:child_process'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NODE_PATH, parseEnvFile, QUANTRAC, quantrac, REPO, runCommand } from '../support/cli.ts'
import { freePort } from '../support/ports.ts'
import { startProcess, stopProcess, waitUntil } from '../support/processes.ts'

let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'quantrac-commands-'))
})

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

async function freshEnv(name: string) {
  const dataDir = join(scratch, name, 'data')
  const [httpPort, mqttPort] = [await freePort(), await freePort()]
  return {
    dataDir,
    httpPort,
    mqttPort,
    env: {
      QUANTRAC_DATA_DIR: dataDir,
      QUANTRAC_HTTP_PORT: String(httpPort),
      QUANTRAC_MQTT_PORT: String(mqttPort),
    },
  }
}

/** `npm start` as a user runs it, stdout and stderr into a file (a log); returns the process. */
function npmStartLike(env: NodeJS.ProcessEnv, logFile?: string) {
  const started = startProcess(process.execPath, [...QUANTRAC, 'start'], { PATH: NODE_PATH, ...env })
  if (logFile !== undefined) {
    const log = createWriteStream(logFile)
    started.child.stdout?.pipe(log)
    started.child.stderr?.pipe(log)
  }
  return started
}

async function upAndHealthy(httpPort: number, started: ReturnType<typeof startProcess>) {
  await waitUntil(
    async () => (await fetch(`http://127.0.0.1:${httpPort}/health`)).status < 500,
    45_000,
    () => `quantrac start did not come up: ${started.output()}`,
  )
}

describe('case 1: a second start on a data directory in use', () => {
  it('refuses before touching anything, names the process that holds it, and leaves the first one’s keys working', async () => {
    const first = await freshEnv('lock')
    const running = npmStartLike(first.env)
    try {
      await upAndHealthy(first.httpPort, running)
      const keysBefore = await readFile(join(first.dataDir, 'demo-keys.env'), 'utf8')

      // Same data directory, other ports: before the lock, this re-seeded the demo and revoked the keys above.
      const second = await quantrac(['start'], {
        ...first.env,
        QUANTRAC_HTTP_PORT: String(await freePort()),
        QUANTRAC_MQTT_PORT: String(await freePort()),
      })
      expect(second.code).toBe(1)
      expect(second.stderr.trim()).toBe(
        second.stderr.trim().split('\n')[0], // one line, no stack trace
      )
      expect(second.stderr).toContain(`in use by process ${running.child.pid} (`)
      expect(second.stderr).toContain('quantrac.js start')
      // Same ports too: still the lock that answers, not the port.
      const third = await quantrac(['start'], first.env)
      expect(third.stderr).toContain(`in use by process ${running.child.pid}`)

      expect(await readFile(join(first.dataDir, 'demo-keys.env'), 'utf8')).toBe(keysBefore)
      const { QUANTRAC_ADMIN_KEY, QUANTRAC_OFFICER_KEY } = parseEnvFile(keysBefore)
      for (const key of [QUANTRAC_ADMIN_KEY, QUANTRAC_OFFICER_KEY]) {
        const response = await fetch(`http://127.0.0.1:${first.httpPort}/api/v1/facilities`, {
          headers: { authorization: `Bearer ${key}` },
        })
        expect(response.status).toBe(200)
      }
    } finally {
      await stopProcess(running.child)
    }
    expect(existsSync(join(first.dataDir, 'quantrac.lock'))).toBe(false)
  }, 120_000)

  it('takes over the lock of a process that died without releasing it', async () => {
    const dir = await freshEnv('stale')
    const dead = spawn(process.execPath, ['-e', ''])
    await new Promise((resolve) => dead.once('exit', resolve))
    await mkdir(dir.dataDir, { recursive: true })
    await writeFile(
      join(dir.dataDir, 'quantrac.lock'),
      JSON.stringify({ pid: dead.pid, command: 'bin/quantrac.js start', startedAt: '2026-01-01T00:00:00Z' }),
    )
    const running = npmStartLike({ ...dir.env, QUANTRAC_DEMO: 'false' })
    try {
      await upAndHealthy(dir.httpPort, running)
      const lock = JSON.parse(await readFile(join(dir.dataDir, 'quantrac.lock'), 'utf8'))
      expect(lock.pid).toBe(running.child.pid)
    } finally {
      await stopProcess(running.child)
    }
  }, 120_000)
})

const HELP_COMMANDS = [
  'start',
  'broker',
  'ingest',
  'api',
  'simulate',
  'backfill',
  'admin',
  'admin create-key',
  'admin list-keys',
  'admin revoke-key',
  'admin create-organisation',
  'admin create-user',
  'admin list-users',
  'admin disable-user',
  'exposure',
]

describe('case 3: every command prints its usage with --help and answers an unknown flag with it', () => {
  it.each(HELP_COMMANDS)('quantrac %s --help: usage, exit 0, nothing started or touched', async (name) => {
    const command = name.split(' ')
    const dir = await freshEnv(`help-${command.join('-')}`)
    // No credentials: --help must not need any configuration.
    const result = await quantrac([...command, '--help'], dir.env)
    expect(result.code).toBe(0)
    expect(result.stdout + result.stderr).toContain(`usage: quantrac ${command[0]}`)
    expect(result.stderr).not.toMatch(/error|invalid configuration/i)
    expect(existsSync(dir.dataDir)).toBe(false)
  })

  it.each(HELP_COMMANDS)('quantrac %s --no-such-flag: the problem and the usage, exit 2', async (name) => {
    const command = name.split(' ')
    const dir = await freshEnv(`flag-${command.join('-')}`)
    const result = await quantrac([...command, '--no-such-flag'], dir.env)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Unknown option '--no-such-flag'")
    expect(result.stderr).toContain(`usage: quantrac ${command[0]}`)
    expect(existsSync(dir.dataDir)).toBe(false)
  })

  it('quantrac --help and quantrac help list the commands; an unknown command gets the list and exit 2', async () => {
    for (const help of ['--help', 'help']) {
      const result = await quantrac([help])
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('usage: quantrac <command>')
    }
    const unknown = await quantrac(['strat'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command "strat"')
  })

  it('quantrac exposure --help gives the CSV format it reads and what its verdicts mean', async () => {
    const result = await quantrac(['exposure', '--help'])
    expect(result.code).toBe(0)
    for (const text of [
      'RFC 4180',
      'BOM',
      'date time',
      'LAeq',
      'mg/m3',
      '--hold',
      '--shifts',
      '--utc-offset',
    ])
      expect(result.stdout).toContain(text)
    expect(result.stdout).toMatch(/insufficient-data +neither can be said/)
  })
})

describe('a setting that cannot work as combined', () => {
  it('quantrac start with QUANTRAC_INGEST_PARTITIONED: one line naming the setting and what it needs, exit 1', async () => {
    const dir = await freshEnv('partitioned-start')
    const result = await quantrac(['start'], { ...dir.env, QUANTRAC_INGEST_PARTITIONED: 'true' })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'QUANTRAC_INGEST_PARTITIONED: partitioned workers share an external broker: set QUANTRAC_MQTT_URL',
    )
    expect(result.stderr).not.toMatch(/\n\s+at /)
  }, 60_000)
})

describe('quantrac exposure on a logger’s CSV export, as a user runs it', () => {
  const MINUTE = 60_000
  const HOUR = 60 * MINUTE

  async function exportFile(name: string, text: string) {
    const path = join(scratch, 'exposure', name)
    await mkdir(join(scratch, 'exposure'), { recursive: true })
    await writeFile(path, text)
    return path
  }

  async function exposure(args: string[]) {
    const result = await quantrac(['exposure', ...args])
    return { ...result, json: result.code === 0 ? JSON.parse(result.stdout) : undefined }
  }

  /** "2026-11-23 07:30:00" for an instant, in UTC+7 (the facility's local time). */
  const local = (time: number) => new Date(time + 7 * HOUR).toISOString().slice(0, 19).replace('T', ' ')

  it('a CO log of four readings over 8 h (3 % measured) gets insufficient-data for its TWA, never within', async () => {
    const start = Date.parse('2026-11-23T06:00:00+07:00')
    const rows = [0, 160, 320, 480].map((minutes) => `${local(start + minutes * MINUTE)},5`)
    const file = await exportFile('co-spot.csv', `time,CO (ppm)\n${rows.join('\n')}\n`)
    const result = await exposure(['--factor', 'gas.co', file])
    expect(result.code).toBe(0)
    const [shift] = result.json.shifts
    expect(shift.coverage).toBeLessThan(0.04)
    expect(shift.verdicts.twa.verdict).toBe('insufficient-data')
    expect(result.json.verdicts.twa.verdict).toBe('insufficient-data')
    expect(result.json.verdicts.projectedTwa.verdict).toBe('insufficient-data')
    expect(result.stdout).not.toContain('"within"')
  })

  it('reads a quoted ;-separated export with a BOM and Date Time;LAeq headers, and says what it read', async () => {
    const start = Date.parse('2026-11-23T07:00:00+07:00')
    const rows = Array.from({ length: 480 }, (_, minute) => `"${local(start + minute * MINUTE)}";"87,5"`)
    const file = await exportFile('dosimeter.csv', `\uFEFF"Date Time";"LAeq"\r\n${rows.join('\r\n')}\r\n\r\n`)
    const result = await exposure(['--factor', 'noise', '--shifts', '07:00,15:00,23:00', file])
    expect(result.code).toBe(0)
    expect(result.json.read).toMatchObject({
      time: 'Date Time',
      value: 'LAeq',
      delimiter: ';',
      decimalComma: true,
      unit: 'dBA',
      rows: 480,
      localTimesAt: '+07:00',
    })
    const [shift] = result.json.shifts
    expect(shift.max).toBe(87.5)
    // 479 min at 87.5 dBA (the last reading only marks the end) under QCVN's 85 dBA / 3 dB: 177.3 %.
    expect(shift.dosePercent).toBeCloseTo(100 * (479 / 480) * 2 ** (2.5 / 3), 1)
    expect(result.json.verdicts.dose.verdict).toBe('exceeds')
  })

  it('--hold weights an on-change log by the time each value stood', async () => {
    const start = Date.parse('2026-11-23T06:00:00+07:00')
    const rows = [
      [0, 20],
      [3, 40],
      [4, 5],
      [8, 5],
    ].map(([hours, ppm]) => `${new Date(start + hours! * HOUR).toISOString()},${ppm}`)
    const file = await exportFile('on-change.csv', `timestamp,ppm\n${rows.join('\n')}\n`)
    // (3 h · 20 + 1 h · 40 + 4 h · 5) / 8 h = 15 ppm, over every hour of the shift: within QCVN's 17.46 ppm.
    const held = await exposure(['--factor', 'gas.co', '--hold', file])
    expect(held.code).toBe(0)
    expect(held.json.shifts).toHaveLength(1)
    expect(held.json.shifts[0].twa).toBeCloseTo(15, 6)
    expect(held.json.shifts[0].verdicts.twa.verdict).toBe('within')
    // Without it, each value stands for the 5-min sample interval, and the command says so.
    const sampled = await exposure(['--factor', 'gas.co', file])
    expect(sampled.json.shifts[0].twa).toBeCloseTo((5 * 20 + 5 * 40 + 5 * 5) / 480, 6)
    expect(sampled.stderr).toContain('--hold')
  })

  it('a 12-hour log is judged on 12-hour windows with --shifts 07:30,19:30', async () => {
    const start = Date.parse('2026-11-23T07:30:00+07:00')
    const rows = Array.from({ length: 721 }, (_, minute) => `${local(start + minute * MINUTE)},85`)
    const file = await exportFile('twelve.csv', `Timestamp,dBA\n${rows.join('\n')}\n`)
    const result = await exposure([
      '--factor',
      'noise',
      '--shifts',
      '07:30,19:30',
      '--utc-offset',
      '+07:00',
      file,
    ])
    expect(result.code).toBe(0)
    expect(result.json.shifts).toHaveLength(1)
    expect(result.json.shifts[0]).toMatchObject({
      start: '2026-11-23T00:30:00.000Z',
      end: '2026-11-23T12:30:00.000Z',
      hours: 12,
      coverage: 1,
    })
    // 12 h at the 85-dBA criterion: 150 %, an exceedance the default 8-h shifts would cut in two and miss.
    expect(result.json.shifts[0].dosePercent).toBeCloseTo(150, 6)
    expect(result.json.verdicts.dose.verdict).toBe('exceeds')
    const eightHour = await exposure(['--factor', 'noise', file])
    expect(eightHour.json.shifts).toHaveLength(2)
    expect(eightHour.json.verdicts.dose.verdict).not.toBe('exceeds')
  })

  it('the README’s example reads as the README says', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf("## Judging a logger's export"))
    const block = (language: string) => {
      const start = section.indexOf(`\`\`\`${language}\n`) + language.length + 4
      return section.slice(start, section.indexOf('```', start))
    }
    const command = block('sh').trim().split(' ')
    expect(command.slice(0, 3)).toEqual(['npx', 'quantrac', 'exposure'])
    const file = await exportFile(command.at(-1)!, block('csv'))
    const result = await exposure([...command.slice(3, -1), file])
    expect(result.code).toBe(0)
    const printed = JSON.parse(`{${block('json')}}`)
    expect(result.json.read).toEqual(printed.read)
  })

  it('refuses a bad row with its line and column, exit 2', async () => {
    const file = await exportFile(
      'bad.csv',
      'Date;Time;LAeq\n2026-11-23;08:00:00;85,1\n2026-11-23;08:01:00;n/a\n',
    )
    const result = await exposure(['--factor', 'noise', file])
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe('quantrac exposure: line 3, column "LAeq": "n/a" is not a number')
    expect(result.stdout).toBe('')
  })
})

const OLD_NODE = '/usr/bin/node'
const oldNodeMajor = existsSync(OLD_NODE)
  ? Number((await runCommand(OLD_NODE, ['-p', 'process.versions.node.split(".")[0]'])).stdout.trim())
  : undefined
const noOldNode = oldNodeMajor === undefined || oldNodeMajor >= 24

describe.skipIf(noOldNode)(
  `case 4: on Node ${oldNodeMajor ?? '(none at /usr/bin/node)'}, npm start says what it needs${noOldNode ? ' (skipped: no Node older than 24 at /usr/bin/node)' : ''}`,
  () => {
    it('npm start prints the Node version it needs and how to get it, before anything runs', async () => {
      const dir = await freshEnv('old-node')
      // PATH as on a machine whose node is the old one: npm and the script both get /usr/bin/node.
      const result = await runCommand('npm', ['start'], { ...dir.env, PATH: `/usr/bin:${process.env.PATH}` })
      expect(result.code).not.toBe(0)
      expect(result.stderr).toContain(`quantrac needs Node.js 24 or newer; this is v${oldNodeMajor}.`)
      expect(result.stderr).toContain('nodejs.org')
      expect(result.stderr).not.toContain('ERR_UNKNOWN_FILE_EXTENSION')
      expect(existsSync(dir.dataDir)).toBe(false)
    })

    it('the quantrac command says the same for every subcommand', async () => {
      const result = await runCommand(OLD_NODE, [...QUANTRAC, 'admin', 'list-keys'])
      expect(result.code).toBe(1)
      expect(result.stderr.split('\n')[0]).toMatch(/^quantrac needs Node\.js 24 or newer; this is v\d+\./)
    })
  },
)

describe('case 9: what start prints reads well in a log, and says how to get a key', () => {
  it('piped to a file, the banner is plain lines; with QUANTRAC_DEMO=false it says how to create a key', async () => {
    const dir = await freshEnv('banner')
    const logFile = join(scratch, 'banner', 'quantrac.log')
    await mkdir(join(scratch, 'banner'), { recursive: true })
    const running = npmStartLike({ ...dir.env, QUANTRAC_DEMO: 'false' }, logFile)
    try {
      await upAndHealthy(dir.httpPort, running)
      await waitUntil(
        async () => (await readFile(logFile, 'utf8')).includes('  stop '),
        10_000,
        () => running.output(),
      )
    } finally {
      await stopProcess(running.child)
    }
    const log = await readFile(logFile, 'utf8')
    expect(log).toMatch(/^quantrac is running$/m)
    expect(log).toMatch(new RegExp(`^  live page +http://127\\.0\\.0\\.1:${dir.httpPort}/$`, 'm'))
    expect(log).toMatch(new RegExp(`^  MQTT broker +mqtt://127\\.0\\.0\\.1:${dir.mqttPort}$`, 'm'))
    expect(log).not.toContain('\\n  ')
    const keyLine = log.split('\n').find((line) => line.includes('admin create-key'))
    expect(keyLine).toBeDefined()
    // The line it gives creates a key, as printed (with this run's data directory).
    const command = keyLine!.trim().replace('npx quantrac', `${process.execPath} ${QUANTRAC[0]}`)
    const created = await runCommand('sh', ['-c', command])
    expect(created.code).toBe(0)
    expect(created.stdout.trim()).toMatch(/^qk_/)

    const list = await quantrac(['admin', 'list-keys'], dir.env)
    const [header, ...rows] = list.stdout.trim().split('\n')
    expect(header).toBe('id\trole\tscope\tstate\tname')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toContain('\tadmin\tall\tactive\tyour name')
  }, 120_000)

  it('the README’s way to start over removes ./data, as written', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('### Starting over'))
    const block = section.slice(
      section.indexOf('```sh') + 5,
      section.indexOf('```', section.indexOf('```sh') + 5),
    )
    const reset = block.split('\n').find((line) => line.startsWith('rm '))
    expect(reset).toBeDefined()
    const clone = join(scratch, 'clone')
    await mkdir(join(clone, 'data', 'spool'), { recursive: true })
    await writeFile(join(clone, 'data', 'registry.sqlite'), '')
    expect((await runCommand('sh', ['-c', reset!], {}, { cwd: clone })).code).toBe(0)
    expect(existsSync(join(clone, 'data'))).toBe(false)
  })
})
