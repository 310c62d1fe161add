import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../support/ports.ts'
import { findOnPath, startProcess, stopProcess, waitUntil } from '../support/processes.ts'

const run = promisify(execFile)
const mosquittoPub = findOnPath('mosquitto_pub')
const curl = findOnPath('curl')
const missing = [mosquittoPub ?? 'mosquitto_pub (Debian: mosquitto-clients)', curl ?? 'curl'].filter(
  (tool) => !tool.startsWith('/'),
)
if (missing.length > 0 && process.env.CI === 'true') throw new Error(`CI=true requires ${missing.join(', ')}`)

/** The README's shell example: the lines from `mosquitto_pub` to the end of the code block. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const start = readme.indexOf('mosquitto_pub -h')
  return readme.slice(start, readme.indexOf('```', start)).trim()
}

describe.skipIf(missing.length > 0)(
  `npm start, as the README's Quick start runs it${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`,
  () => {
    let dataDir: string
    let httpPort: number
    let mqttPort: number
    let platform: ReturnType<typeof startProcess>

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'quantrac-start-'))
      ;[httpPort, mqttPort] = [await freePort(), await freePort()]
      platform = startProcess(process.execPath, ['bin/quantrac.ts', 'start'], {
        QUANTRAC_HTTP_PORT: String(httpPort),
        QUANTRAC_MQTT_PORT: String(mqttPort),
        QUANTRAC_DATA_DIR: dataDir,
      })
      await waitUntil(
        async () => (await fetch(`http://127.0.0.1:${httpPort}/health`)).ok,
        30_000,
        () => `quantrac start did not come up: ${platform.output()}`,
      )
    })

    afterAll(async () => {
      if (platform) await stopProcess(platform.child)
      await rm(dataDir, { recursive: true, force: true })
    })

    it('raises a demo alert on the live feed and in the alerts API within 60 seconds', async () => {
      const keys = Object.fromEntries(
        (await readFile(join(dataDir, 'demo-keys.env'), 'utf8'))
          .split('\n')
          .filter((line) => line.startsWith('QUANTRAC_'))
          .map((line) => line.split('=') as [string, string]),
      )
      const token = keys.QUANTRAC_REGULATOR_KEY
      const get = async (path: string) =>
        (
          await fetch(`http://127.0.0.1:${httpPort}${path}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json()
      const socket = io(`http://127.0.0.1:${httpPort}`, { transports: ['websocket'], auth: { token } })
      const facilities = await get('/api/v1/facilities')
      expect(facilities.total).toBeGreaterThanOrEqual(3)
      const alert = new Promise<{ id: string }>((resolve) => socket.once('alert', resolve))
      for (const facility of facilities.items) await socket.emitWithAck('join', facility.id)
      const { id } = await alert
      const alerts = await get('/api/v1/alerts')
      expect(alerts.items.map((a: { id: string }) => a.id)).toContain(id)
      socket.close()
    }, 60_000)

    it('stores the reading of the README’s mosquitto_pub example and serves it through the API', async () => {
      const example = (await readmeExample())
        .replace('-p 1883', `-p ${mqttPort}`)
        .replace('127.0.0.1:8080', `127.0.0.1:${httpPort}`)
        .replace('./data/', `${dataDir}/`)
      const [publish, query] = example.split(/\n(?=\. )/)
      await run('sh', ['-c', publish!])
      await waitUntil(
        async () => (await run('sh', ['-c', query!])).stdout.includes('"value":92.5'),
        10_000,
        () => 'the reading never reached the API',
      )
    })

    it('keeps the data directory and its files, the demo keys too, readable by their owner only', async () => {
      const mode = async (path: string) => (await stat(join(dataDir, path))).mode & 0o777
      expect(await mode('.')).toBe(0o700)
      expect(await mode('spool')).toBe(0o700)
      for (const file of [
        'demo-keys.env',
        'registry.sqlite',
        'timeseries.sqlite',
        'spool/quantrac-ingest.sqlite',
      ]) {
        expect([file, await mode(file)]).toEqual([file, 0o600])
      }
    })

    it('shuts down cleanly on SIGTERM', async () => {
      await stopProcess(platform.child)
      expect(platform.child.exitCode).toBe(0)
    })
  },
)
