import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NODE_PATH, quantrac, REPO, runCommand } from '../support/cli.ts'
import { freePort } from '../support/ports.ts'
import { waitUntil } from '../support/processes.ts'

/** The README's "Running the parts separately" block, line by line: the `export` and each command. */
async function readmeBlock(): Promise<{ exportLine: string; commands: string[] }> {
  const readme = await readFile(join(REPO, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Running the parts separately'))
  const start = section.indexOf('```sh') + '```sh'.length
  const lines = section.slice(start, section.indexOf('```', start)).trim().split('\n')
  const [exportLine, ...commands] = lines
  return { exportLine: exportLine!, commands }
}

interface Shell {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** One line of the README in its own shell (a terminal of its own), after the block's `export`. */
function shell(exportLine: string, line: string, env: NodeJS.ProcessEnv): Shell {
  const child = spawn('sh', ['-c', `${exportLine}\n${line}`], {
    cwd: REPO,
    env: { ...process.env, PATH: NODE_PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so Ctrl+C (SIGINT to the group) reaches npm and the node under it.
    detached: true,
  })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

async function interrupt(running: Shell): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return
  process.kill(-running.child.pid!, 'SIGINT')
  const timer = setTimeout(() => process.kill(-running.child.pid!, 'SIGKILL'), 15_000)
  await running.exited
  clearTimeout(timer)
}

describe('cases 2 and 5: the README’s "Running the parts separately", run as written', () => {
  let dataDir: string
  let env: NodeJS.ProcessEnv
  let apiUrl: string
  let exportLine: string
  let commands: string[]
  const shells: Shell[] = []
  let adminKey: string

  const get = async (path: string) => {
    const response = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${adminKey}` } })
    return { status: response.status, body: await response.json() }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-readme-parts-'))
    const [httpPort, mqttPort] = [await freePort(), await freePort()]
    apiUrl = `http://127.0.0.1:${httpPort}`
    // Only where the README leaves the defaults: ports that are free here and a data directory of its own.
    env = {
      QUANTRAC_DATA_DIR: dataDir,
      QUANTRAC_HTTP_PORT: String(httpPort),
      QUANTRAC_MQTT_PORT: String(mqttPort),
    }
    ;({ exportLine, commands } = await readmeBlock())
    expect(commands.map((line) => line.split('#')[0]!.trim())).toEqual([
      'npm run broker',
      'npm run ingest',
      'npm run api',
      'npx quantrac admin create-key --role admin --name "your name"',
      'npm run simulate -- --register --facilities 5 --sensors 6 --rate 1 --scenario exceedance',
    ])
    const credentials = await runCommand('sh', [
      '-c',
      `${exportLine}\nprintf "%s\\n%s" "$QUANTRAC_MQTT_USERNAME" "$QUANTRAC_MQTT_PASSWORD"`,
    ])
    const [username, password] = credentials.stdout.split('\n') as [string, string]

    const broker = shell(exportLine, commands[0]!, env)
    shells.push(broker)
    await waitUntil(
      () =>
        connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username, password, reconnectPeriod: 0 }).then((c) =>
          c.endAsync().then(() => true),
        ),
      45_000,
      () => `broker did not start: ${broker.output()}`,
    )
    shells.push(shell(exportLine, commands[1]!, env), shell(exportLine, commands[2]!, env))
    await waitUntil(
      async () => (await fetch(`${apiUrl}/health`)).status < 500,
      45_000,
      () => `API did not start: ${shells.map((s) => s.output()).join('\n')}`,
    )
    const created = await runCommand('sh', ['-c', `${exportLine}\n${commands[3]}`], env)
    expect(created.code).toBe(0)
    adminKey = created.stdout.trim()
    expect(adminKey).toMatch(/^qk_/)
  }, 120_000)

  afterAll(async () => {
    for (const running of shells.reverse()) await interrupt(running)
    await rm(dataDir, { recursive: true, force: true })
  })

  it('simulate registers its own fleet, never the demo’s ids, and its readings are stored', async () => {
    const simulate = shell(exportLine, commands[4]!, env)
    try {
      await waitUntil(
        async () => {
          const latest = await get('/api/v1/readings/latest')
          return new Set(latest.body.items.map((r: { sensorId: string }) => r.sensorId)).size === 30
        },
        120_000,
        () => `readings of the 30 simulated sensors not served: ${simulate.output()}`,
      )
    } finally {
      await interrupt(simulate)
    }
    const output = simulate.output()
    expect(output).toContain('registered 5 facilities and 30 sensors (sim-001…sim-005, 30 sensors)')
    expect(output).toMatch(/published \d+, readings \d+, malformed 0, failed 0/)
    expect(output).toContain('npx quantrac simulate --decommission --prefix sim')
    const facilities = await get('/api/v1/facilities')
    expect(facilities.body.items.map((f: { id: string }) => f.id)).toEqual([
      'sim-001',
      'sim-002',
      'sim-003',
      'sim-004',
      'sim-005',
    ])
  }, 180_000)

  it('the stopped fleet’s offline alerts clear once it is decommissioned with the command it printed, and no new ones open', async () => {
    const offline = async () =>
      (await get('/api/v1/alerts?state=active&limit=200')).body.items.filter(
        (a: { kind: string }) => a.kind === 'sensor-offline',
      )
    // Silent for three reporting intervals (10 s each for a 1 Hz simulation), the sensors are offline.
    await waitUntil(
      async () => (await offline()).length > 0,
      90_000,
      () => 'no sensor was reported offline',
    )
    const decommission = await runCommand(
      'sh',
      ['-c', `${exportLine}\nnpx quantrac simulate --decommission --prefix sim`],
      env,
    )
    expect(decommission.code).toBe(0)
    expect(decommission.stderr).toContain('decommissioned 30 simulated sensors of the facilities sim-…')
    await waitUntil(
      async () => (await offline()).length === 0,
      150_000,
      () => 'offline alerts stayed open',
    )
    const sensors = await get('/api/v1/sensors?status=active')
    expect(sensors.body.total).toBe(0)
    // A sweep runs every 10 s: two more sweeps open nothing.
    await new Promise((resolve) => setTimeout(resolve, 25_000))
    expect(await offline()).toEqual([])
  }, 360_000)

  it('simulate without --register says that ingest will refuse its unregistered sensors', async () => {
    const result = await runCommand(
      'sh',
      ['-c', `${exportLine}\nnpm run simulate -- --prefix other --facilities 1 --sensors 2 --duration 2`],
      env,
    )
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('2 of 2 sensors are not registered')
    expect(result.stderr).toContain('unknown-sensor')
    expect(result.stderr).toContain('ingest refused those of the 2 unregistered sensors')
  })

  it('ingest and api without the services’ credentials say so in one line, without a stack trace', async () => {
    for (const part of ['ingest', 'api']) {
      const result = await quantrac([part], env)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('QUANTRAC_MQTT_USERNAME and QUANTRAC_MQTT_PASSWORD')
      expect(result.stderr).not.toContain('    at ')
    }
  })
})
