import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NODE_PATH, parseEnvFile, QUANTRAC } from '../support/cli.ts'
import { influxdPath, type RunningInfluxd, startInfluxd } from '../support/influxd.ts'
import { freePort } from '../support/ports.ts'
import { startProcess, stopProcess, waitUntil } from '../support/processes.ts'

const missing = influxdPath() === undefined ? 'influxd (Debian: apt-get install influxdb)' : undefined
if (missing !== undefined && process.env.CI === 'true') throw new Error(`CI=true requires ${missing}`)

/** #14 case 6: with InfluxDB stopped under a running `quantrac start`, health and the API say so. */
describe.skipIf(missing !== undefined)(
  `npm start on InfluxDB, with InfluxDB stopped${missing ? ` (skipped: ${missing} not installed)` : ''}`,
  () => {
    let influxd: RunningInfluxd
    let dataDir: string
    let httpPort: number
    let platform: ReturnType<typeof startProcess>
    let adminKey: string

    const api = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
        headers: { authorization: `Bearer ${adminKey}` },
      })
      return { status: response.status, headers: response.headers, body: await response.json() }
    }

    beforeAll(async () => {
      // Its own InfluxDB, so stopping it leaves the other tests' alone.
      influxd = await startInfluxd()
      dataDir = await mkdtemp(join(tmpdir(), 'quantrac-outage-'))
      httpPort = await freePort()
      platform = startProcess(process.execPath, [...QUANTRAC, 'start'], {
        PATH: NODE_PATH,
        QUANTRAC_DATA_DIR: dataDir,
        QUANTRAC_HTTP_PORT: String(httpPort),
        QUANTRAC_MQTT_PORT: String(await freePort()),
        QUANTRAC_INFLUX_URL: influxd.url,
        QUANTRAC_INFLUX_DATABASE: 'quantrac_outage',
      })
      await waitUntil(
        async () => (await fetch(`http://127.0.0.1:${httpPort}/health`)).ok,
        45_000,
        () => `quantrac start did not come up: ${platform.output()}`,
      )
      adminKey = parseEnvFile(await readFile(join(dataDir, 'demo-keys.env'), 'utf8')).QUANTRAC_ADMIN_KEY!
    }, 90_000)

    afterAll(async () => {
      if (platform) await stopProcess(platform.child)
      await influxd?.stop()
      await rm(dataDir, { recursive: true, force: true })
    })

    it('reports each part healthy while InfluxDB runs', async () => {
      const health = await api('/health')
      expect(health.status).toBe(200)
      expect(health.body).toMatchObject({
        status: 'ok',
        store: 'influxdb',
        parts: {
          store: { status: 'ok', kind: 'influxdb' },
          broker: { status: 'ok' },
          spool: { status: 'ok' },
        },
      })
      await waitUntil(
        async () => (await api('/api/v1/readings/latest')).body.items.length > 0,
        30_000,
        () => 'the demo’s readings never reached InfluxDB',
      )
    })

    it('answers 503 on /health naming the store, and 503 with a message on routes that need it', async () => {
      await influxd.stop({ keepData: true })
      const health = await api('/health')
      expect(health.status).toBe(503)
      expect(health.body.status).toBe('unavailable')
      expect(health.body.parts.store.status).toBe('down')
      expect(health.body.parts.store.detail).toBe('the time-series store does not answer')
      // /health answers without a key: it never shows where the store is.
      expect(JSON.stringify(health.body)).not.toContain('127.0.0.1')
      expect(health.body.parts.broker.status).toBe('ok')
      for (const path of [
        '/api/v1/readings/latest',
        '/api/v1/exposures/latest',
        '/api/v1/reports/coverage?period=2025',
      ]) {
        const answer = await api(path)
        expect(answer.status, path).toBe(503)
        expect(answer.body.message, path).toBe(
          'the time-series store (influxdb) cannot be reached: try again later',
        )
        expect(answer.headers.get('retry-after')).toBe('30')
      }
      // What only needs the registry goes on working.
      expect((await api('/api/v1/facilities')).status).toBe(200)
      // Ingest keeps what arrives in its spool meanwhile: the backlog shows on /health.
      await waitUntil(
        async () => (await api('/health')).body.parts.spool.items > 0,
        30_000,
        () => 'the spool never grew',
      )
    })

    it('is healthy again once InfluxDB is back, and the spool drains', async () => {
      await influxd.restart()
      let last: unknown
      await waitUntil(
        async () => {
          const health = await api('/health')
          last = health.body
          // Drained: what waited through the outage is written; only what arrives now is in flight.
          const age = health.body.parts.spool.oldestAgeSeconds
          return health.status === 200 && (age === undefined || age < 10)
        },
        60_000,
        () => JSON.stringify(last),
      )
      expect((await api('/api/v1/readings/latest')).status).toBe(200)
    })
  },
)
