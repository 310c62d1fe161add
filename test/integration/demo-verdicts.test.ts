import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../support/ports.ts'
import { startProcess, stopProcess, waitUntil } from '../support/processes.ts'

const HOUR = 3_600_000
const REFERENCE_MS = 8 * HOUR
/** The demo's first minute, as the Quick start promises an alert within it. */
const FIRST_MINUTE_MS = 60_000
/** Figures no one can have measured a minute into a run: a 15-min or 1-h mean, a projection from 2 h. */
const IMPOSSIBLE_KINDS = ['projected', 'stel', 'heat-stress']
const SHIFT_FIGURES = ['twa', 'projectedTwa', 'dose', 'projectedDose', 'lex8h']

interface Judged {
  verdict: string
  reasons: { code: string }[]
  basis: { measuredMs: number }
}
interface Exposure {
  sensorId: string
  factor: string
  verdicts?: Record<string, Judged>
}
interface Alert {
  id: string
  facilityId: string
  sensorId: string
  factor: string
  kind: string
  level: string
  value: number
}

/**
 * `npm start` as the README's Quick start runs it, demo simulators included: in its first minute no dose,
 * TWA or projected alert may claim more than the time since start could have measured, and no shift figure
 * may read "within" on a minute of data.
 */
describe('the demo’s first minute', () => {
  let dataDir: string
  let httpPort: number
  let platform: ReturnType<typeof startProcess>
  let socket: Socket
  let token: string
  let startedAt: number
  const alerts: Alert[] = []
  const exposures: Exposure[] = []
  /** Highest reading per sensor and factor seen on the live feed, in the canonical unit. */
  const highest = new Map<string, number>()

  const get = async (path: string) =>
    (
      await fetch(`http://127.0.0.1:${httpPort}${path}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-demo-'))
    const mqttPort = await freePort()
    httpPort = await freePort()
    startedAt = Date.now()
    platform = startProcess(process.execPath, ['bin/quantrac.ts', 'start'], {
      QUANTRAC_HTTP_PORT: String(httpPort),
      QUANTRAC_MQTT_PORT: String(mqttPort),
      QUANTRAC_DATA_DIR: dataDir,
    })
    await waitUntil(
      async () => (await fetch(`http://127.0.0.1:${httpPort}/health`).catch(() => undefined))?.ok === true,
      30_000,
      () => `quantrac start did not come up: ${platform.output()}`,
    )
    const keys = Object.fromEntries(
      (await readFile(join(dataDir, 'demo-keys.env'), 'utf8'))
        .split('\n')
        .filter((line) => line.startsWith('QUANTRAC_'))
        .map((line) => line.split('=') as [string, string]),
    )
    token = keys.QUANTRAC_ADMIN_KEY ?? keys.QUANTRAC_REGULATOR_KEY!
    socket = io(`http://127.0.0.1:${httpPort}`, { transports: ['websocket'], auth: { token } })
    socket.on('alert', (alert: Alert) => alerts.push(alert))
    socket.on('exposure', (point: Exposure) => exposures.push(point))
    socket.on(
      'reading',
      ({ sensorId, factor, value }: { sensorId: string; factor: string; value: number }) => {
        const key = `${sensorId}/${factor}`
        highest.set(key, Math.max(highest.get(key) ?? Number.NEGATIVE_INFINITY, value))
      },
    )
    for (const facility of (await get('/api/v1/facilities')).items)
      await socket.emitWithAck('join', facility.id)
  }, 60_000)

  afterAll(async () => {
    socket?.close()
    if (platform) await stopProcess(platform.child)
    await rm(dataDir, { recursive: true, force: true })
  })

  it('raises no dose, TWA or projected alert that the time since start could not have measured', async () => {
    const rest = FIRST_MINUTE_MS - (Date.now() - startedAt)
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest))
    await waitUntil(
      async () => exposures.length > 0,
      30_000,
      () => 'the demo sent no exposure figures',
    )
    // Every reading so far lies after the start: no sensor can have measured longer than this.
    const elapsedMs = Date.now() - startedAt
    const raised: Alert[] = (await get('/api/v1/alerts?limit=500')).items
    const all = new Map([...alerts, ...raised].map((alert) => [alert.id, alert]))
    expect(all.size, 'the demo raises an alert in its first minute').toBeGreaterThan(0)
    const facilities = new Map<string, { profile: string }>(
      (await get('/api/v1/facilities')).items.map((f: { id: string; profile: string }) => [f.id, f]),
    )
    for (const alert of all.values()) {
      const what = `${alert.kind} ${alert.level} ${alert.value} on ${alert.sensorId}`
      expect(IMPOSSIBLE_KINDS, what).not.toContain(alert.kind)
      const max = highest.get(`${alert.sensorId}/${alert.factor}`)
      if (alert.kind === 'twa') {
        // Σ C·t / 8 h can be at most the highest reading held for all the time since start.
        expect(max, what).toBeDefined()
        expect(alert.value, what).toBeLessThanOrEqual(((max ?? 0) * elapsedMs) / REFERENCE_MS)
      }
      if (alert.kind === 'dose') {
        const profile = facilities.get(alert.facilityId)?.profile
        const { factors } = await get(`/api/v1/limits?profile=${profile}`)
        const noise = factors.find((f: { factor: string }) => f.factor === 'noise')
        // The highest level, at the profile's exchange rate, for all the time since start.
        const rate = 2 ** (((max ?? 0) - noise.twa.value) / noise.exchangeRate.value) / REFERENCE_MS
        expect(max, what).toBeDefined()
        expect(alert.value, what).toBeLessThanOrEqual(100 * rate * elapsedMs)
      }
    }
  }, 120_000)

  it('judges no shift figure within, and projects nothing, on a minute of data', async () => {
    const latest: Exposure[] = (await get('/api/v1/exposures/latest')).items
    const judged = [...exposures, ...latest].filter((point) => point.verdicts !== undefined)
    expect(judged.length).toBeGreaterThan(0)
    const elapsedMs = Date.now() - startedAt
    for (const point of judged) {
      for (const figure of SHIFT_FIGURES) {
        const verdict = point.verdicts?.[figure]
        if (verdict === undefined) continue
        const what = `${figure} of ${point.sensorId}/${point.factor}: ${JSON.stringify(verdict)}`
        expect(verdict.verdict, what).not.toBe('within')
        expect(verdict.basis.measuredMs, what).toBeLessThanOrEqual(elapsedMs)
        if (figure.startsWith('projected')) expect(verdict.verdict, what).toBe('insufficient-data')
        else if (verdict.verdict === 'exceeds')
          expect(verdict.reasons[0]?.code, what).toBe('measured-exceedance')
      }
    }
  })
})
