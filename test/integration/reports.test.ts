import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseCsv } from '../../api/csv.ts'
import type { Alert } from '../../core/alerts.ts'
import type { Reading } from '../../core/contract.ts'
import type { FactorId } from '../../core/factors.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** One shift, 07:00–15:00 in Vietnam = 00:00–08:00 UTC: the working hours of every facility here. */
const ONE_SHIFT = { starts: ['07:00'], utcOffsetMinutes: 420 }
const at = (local: string) => Date.parse(`${local}+07:00`)

/**
 * Six hazardous facilities and one without hazards; every sensor reports once in each working hour of the
 * days given. 2024: hn-1 and hcm-2 monitored (2). 2025: hn-1, hn-2, hn-3 (3 of 6): +50 %, on track.
 */
const FACILITIES: { id: string; province: string; sector: string; hazards: FactorId[] }[] = [
  { id: 'hn-1', province: 'Hà Nội', sector: 'garment', hazards: ['noise'] }, // 2024 and 2025
  { id: 'hn-2', province: 'Hà Nội', sector: 'cement', hazards: ['noise'] }, // 2025
  { id: 'hn-3', province: 'Hà Nội', sector: 'cement', hazards: ['noise'] }, // 2025
  { id: 'hcm-1', province: 'Hồ Chí Minh', sector: 'garment', hazards: ['noise', 'dust.total'] }, // no dust sensor
  { id: 'hcm-2', province: 'Hồ Chí Minh', sector: 'steel', hazards: ['gas.co'] }, // calibration due 2025-03-01
  { id: 'hcm-3', province: 'Hồ Chí Minh', sector: 'steel', hazards: ['noise'] }, // 2025 January–April only
  { id: 'none-1', province: 'Hồ Chí Minh', sector: 'steel', hazards: [] }, // outside the base
]

function workingHours(facilityId: string, sensorId: string, factor: FactorId, from: string, days: number) {
  const readings: Reading[] = []
  const start = at(`${from}T07:00:00`)
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 8; h++) {
      readings.push({ facilityId, sensorId, factor, time: start + d * DAY + h * HOUR + 90_000, value: 80 })
    }
  }
  return readings
}

function alert(
  id: string,
  facilityId: string,
  factor: FactorId,
  kind: Alert['kind'],
  level: Alert['level'],
  when: string,
): Alert {
  const openedAt = at(when)
  return {
    id,
    facilityId,
    sensorId: `${facilityId}-s1`,
    factor,
    kind,
    level,
    state: 'cleared',
    value: 100,
    limit: 85,
    unit: 'dBA',
    source: 'test',
    message: 'test',
    openedAt,
    updatedAt: openedAt + HOUR,
    clearedAt: openedAt + HOUR,
  }
}

const influxUrl = inject('influxUrl')
const stores = [
  { name: 'SQLite', influxUrl: undefined },
  ...(influxUrl ? [{ name: 'InfluxDB 1.x', influxUrl }] : []),
]

describe.each(stores)('GET /api/v1/reports/coverage on $name', ({ influxUrl }) => {
  let platform: Platform
  let regulator: string
  let officer: string

  async function csv(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${platform.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${regulator}`, ...headers },
    })
    return { response, rows: parseCsv(await response.text()) }
  }

  beforeAll(async () => {
    platform = await startPlatform({ influxUrl })
    const { registry, store } = platform
    for (const f of FACILITIES) {
      await registry.createFacility(
        testFacility(f.id, { ...f, shifts: ONE_SHIFT, registeredAt: at('2020-01-01T00:00:00') }),
      )
      if (f.hazards.length === 0) continue
      const factor = f.hazards[0]!
      await registry.createSensor(
        {
          id: `${f.id}-s1`,
          facilityId: f.id,
          model: 'test',
          serial: f.id,
          factors: [factor],
          commissionedAt: 0,
          calibrationDue: f.id === 'hcm-2' ? at('2025-03-01T00:00:00') : undefined,
        },
        'x',
      )
    }
    const data = [
      workingHours('hn-1', 'hn-1-s1', 'noise', '2024-01-01', 731),
      workingHours('hn-2', 'hn-2-s1', 'noise', '2025-01-01', 365),
      workingHours('hn-3', 'hn-3-s1', 'noise', '2025-01-01', 365),
      workingHours('hcm-1', 'hcm-1-s1', 'noise', '2025-01-01', 365),
      workingHours('hcm-2', 'hcm-2-s1', 'gas.co', '2024-01-01', 731),
      workingHours('hcm-3', 'hcm-3-s1', 'noise', '2025-01-01', 120),
    ]
    for (const readings of data) await store.writeReadings(readings)
    for (const a of [
      alert('a1', 'hn-1', 'noise', 'twa', 'alarm', '2025-05-05T15:00:00'),
      alert('a2', 'hcm-2', 'gas.co', 'stel', 'critical', '2025-06-06T09:00:00'),
      alert('a3', 'hcm-3', 'noise', 'twa', 'warning', '2025-02-02T15:00:00'),
      alert('a4', 'hn-1', 'noise', 'twa', 'alarm', '2024-05-05T15:00:00'),
    ])
      await platform.registry.recordDetection({ type: 'opened', alert: a })
    regulator = (await issueApiKey(registry, { name: 'regulator', role: 'regulator' })).token
    officer = (await issueApiKey(registry, { name: 'officer', role: 'officer', facilityId: 'hn-1' })).token
  })

  afterAll(async () => {
    await platform?.stop()
  })

  it('counts monitored facilities against the target for a regulator', async () => {
    const { status, body } = await platform.call(
      'GET',
      '/api/v1/reports/coverage?period=2025',
      undefined,
      regulator,
    )
    expect(status).toBe(200)
    expect(body).toMatchObject({
      period: '2025',
      periodStart: '2024-12-31T17:00:00.000Z',
      complete: true,
      hazardousFacilities: 6,
      monitoredFacilities: 3,
      monitoredShare: 0.5,
      facilitiesWithoutHazards: 1,
      previousPeriod: { period: '2024', hazardousFacilities: 6, monitoredFacilities: 2 },
      growthPercent: 50,
      targetPercent: 5,
      onTrack: true,
      verdict: 'on-track',
      facilitiesNeededForTarget: 0,
      rules: { minCoverage: 0.6, shiftHours: 8 },
    })
    expect(
      body.byProvince.map((p: any) => [
        p.name,
        p.previousMonitoredFacilities,
        p.monitoredFacilities,
        p.verdict,
        p.facilitiesNeededForTarget,
      ]),
    ).toEqual([
      ['Hà Nội', 1, 3, 'all-monitored', 0],
      ['Hồ Chí Minh', 1, 0, 'behind', 2],
    ])
    expect(body.bySector.map((s: any) => [s.name, s.hazardousFacilities, s.monitoredFacilities])).toEqual([
      ['cement', 2, 2],
      ['garment', 2, 1],
      ['steel', 2, 0],
    ])
  })

  it('says why each facility falls short', async () => {
    const { body } = await platform.call('GET', '/api/v1/reports/coverage?period=2025', undefined, regulator)
    const reasons = body.shortfalls.map((s: any) => [
      s.facilityId,
      s.reasons.map((r: any) => `${r.factor} ${r.code}`),
    ])
    expect(reasons).toEqual([
      ['hcm-1', ['dust.total no-sensor']],
      ['hcm-2', ['gas.co calibration-overdue']],
      ['hcm-3', ['noise low-coverage']],
    ])
    const low = body.shortfalls[2].reasons[0]
    expect(low.coverage).toBeCloseTo(120 / 365, 4)
    expect(low.message).toBe('noise coverage 32.9 % < 60 % of working hours (best: hcm-3-s1)')
    expect(body.shortfalls[1].reasons[0].calibrationDue).toBe('2025-02-28T17:00:00.000Z')
  })

  it('counts TWA and STEL alarms of the period by factor', async () => {
    const { body } = await platform.call('GET', '/api/v1/reports/coverage?period=2025', undefined, regulator)
    expect(body.exceedances).toEqual([
      { factor: 'noise', facilities: 1, twaAlerts: 1, stelAlerts: 0, facilityIds: ['hn-1'] },
      { factor: 'gas.co', facilities: 1, twaAlerts: 0, stelAlerts: 1, facilityIds: ['hcm-2'] },
    ])
  })

  it('filters by province and sector', async () => {
    const hanoi = await platform.call(
      'GET',
      `/api/v1/reports/coverage?period=2025&province=${encodeURIComponent('Hà Nội')}`,
      undefined,
      regulator,
    )
    expect(hanoi.body).toMatchObject({
      province: 'Hà Nội',
      hazardousFacilities: 3,
      monitoredFacilities: 3,
      verdict: 'all-monitored',
    })
    const steel = await platform.call(
      'GET',
      '/api/v1/reports/coverage?period=2025&sector=steel',
      undefined,
      regulator,
    )
    expect(steel.body).toMatchObject({
      hazardousFacilities: 2,
      monitoredFacilities: 0,
      facilitiesWithoutHazards: 1,
    })
  })

  it('compares a quarter with the quarter before, against a compounded target', async () => {
    const { body } = await platform.call(
      'GET',
      '/api/v1/reports/coverage?period=2025-Q2',
      undefined,
      regulator,
    )
    expect(body).toMatchObject({ period: '2025-Q2', previousPeriod: { period: '2025-Q1' } })
    expect(body.targetPercent).toBeCloseTo(1.2272, 4)
    // Q1: hn-1, hn-2, hn-3, hcm-1 is short of dust, hcm-3 has all of Q1 (Jan–Apr), hcm-2's calibration fell due in Q1.
    expect(body.previousPeriod.monitoredFacilities).toBe(4)
    expect(body.monitoredFacilities).toBe(3)
  })

  it('exports each table as CSV, by Accept header or format=csv', async () => {
    const provinces = await csv('/api/v1/reports/coverage?period=2025&table=provinces', {
      accept: 'text/csv',
    })
    expect(provinces.response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(provinces.response.headers.get('content-disposition')).toBe(
      'attachment; filename="coverage-2025-provinces.csv"',
    )
    expect(provinces.rows).toEqual([
      [
        'province',
        'code',
        'hazardousFacilities',
        'monitoredFacilities',
        'monitoredShare',
        'previousMonitoredFacilities',
        'growthPercent',
        'targetPercent',
        'onTrack',
        'verdict',
        'facilitiesNeededForTarget',
        'exposedWorkers',
      ],
      ['Hà Nội', '01', '3', '3', '1', '1', '200', '5', 'true', 'all-monitored', '0', '0'],
      ['Hồ Chí Minh', '79', '3', '0', '0', '1', '-100', '5', 'false', 'behind', '2', '0'],
    ])
    const summary = await csv('/api/v1/reports/coverage?period=2025&format=csv')
    expect(summary.rows[0]?.slice(0, 3)).toEqual(['period', 'periodStart', 'periodEnd'])
    expect(summary.rows[1]?.[6]).toBe('3')
    const shortfalls = await csv('/api/v1/reports/coverage?period=2025&format=csv&table=shortfalls')
    expect(shortfalls.rows.map((r) => [r[0], r[4], r[5]])).toEqual([
      ['facilityId', 'factor', 'reason'],
      ['hcm-1', 'dust.total', 'no-sensor'],
      ['hcm-2', 'gas.co', 'calibration-overdue'],
      ['hcm-3', 'noise', 'low-coverage'],
    ])
    const sectors = await csv('/api/v1/reports/coverage?period=2025&format=csv&table=sectors')
    expect(sectors.rows).toHaveLength(4)
    const exceedances = await csv('/api/v1/reports/coverage?period=2025&format=csv&table=exceedances')
    expect(exceedances.rows[1]).toEqual(['noise', '1', '1', '0', 'hn-1'])
  })

  it('answers a JSON report when format=json overrides Accept', async () => {
    const response = await fetch(`${platform.apiUrl}/api/v1/reports/coverage?period=2025&format=json`, {
      headers: { authorization: `Bearer ${regulator}`, accept: 'text/csv' },
    })
    expect((await response.json()).period).toBe('2025')
  })

  it.each([
    ['period=2025-Q5', /period "2025-Q5" is not a year/],
    ['period=2025-13', /is not a year/],
    ['', /period/],
    ['period=2025&table=everything', /table/],
    ['period=2025&minCoverage=2', /minCoverage/],
    ['period=2099', /period 2099 has not started yet/],
  ])('refuses %j with 400 and says why', async (query, message) => {
    const { status, body } = await platform.call(
      'GET',
      `/api/v1/reports/coverage?${query}`,
      undefined,
      regulator,
    )
    expect(status).toBe(400)
    expect(body.message).toMatch(message)
  })

  it('is for regulators and admins only', async () => {
    const path = '/api/v1/reports/coverage?period=2025'
    expect((await platform.call('GET', path)).status).toBe(200)
    const denied = await platform.call('GET', path, undefined, officer)
    expect(denied.status).toBe(403)
    expect(denied.body.message).toMatch(/officer role may not GET/)
    expect((await platform.call('GET', path, undefined, null)).status).toBe(401)
  })
})
