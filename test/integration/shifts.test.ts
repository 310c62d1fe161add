import type { MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Platform, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

const MINUTE = 60_000
/** The facility's local date two days ago (UTC+7): its shifts and the next morning lie in the past. */
const DAY = new Date(Date.now() - 2 * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10)
const NEXT_DAY = new Date(Date.parse(`${DAY}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
const local = (day: string, hhmm: string) => `${day}T${hhmm}:00+07:00`
const at = (day: string, hhmm: string) => Date.parse(local(day, hhmm))
const TWELVE_HOURS = { starts: ['07:30', '19:30'], utcOffsetMinutes: 420 }
const EIGHT_HOURS = { starts: ['07:30', '15:30', '23:30'], utcOffsetMinutes: 420 }

interface Exposure {
  time: string
  shiftStart: string
  shift?: { start: string; end: string; hours: number; nextStart: string }
}

describe('shifts as a facility declares them, from the API to ingest and back', () => {
  let platform: Platform
  let detector: MqttClient
  let socket: Socket
  const liveExposures: Exposure[] = []

  /** One CO reading a minute, 10 ppm, from `from` for `count` minutes. */
  async function publishMinutes(from: number, count: number) {
    const readings = Array.from({ length: count }, (_, i) => ({
      factor: 'gas.co',
      value: 10,
      unit: 'ppm',
      ts: from + i * MINUTE,
    }))
    await detector.publishAsync('quantrac/v1/readings/gas-plant/co-12', JSON.stringify({ readings }), {
      qos: 1,
    })
  }

  /** The exposures API's figure for the CO sensor once it is the one judged at `time`. */
  async function exposureAt(time: number): Promise<Exposure> {
    let found: Exposure | undefined
    await waitUntil(
      async () => {
        const { body } = await platform.call('GET', '/api/v1/exposures/latest?sensor=co-12')
        found = body.items[0]
        return found !== undefined && Date.parse(found.time) === time
      },
      20_000,
      () => `no exposure at ${new Date(time).toISOString()}: ${JSON.stringify(found)}`,
    )
    return found!
  }

  beforeAll(async () => {
    platform = await startPlatform()
    socket = io(platform.apiUrl, { transports: ['websocket'], auth: { token: platform.adminKey } })
    socket.on('exposure', (point: Exposure) => liveExposures.push(point))
  })

  afterAll(async () => {
    socket?.close()
    await detector?.endAsync()
    await platform?.stop()
  })

  it('registers a facility with two 12-hour shifts from 07:30 at UTC+7 and says what its shifts are', async () => {
    const created = await platform.call('POST', '/api/v1/facilities', {
      id: 'gas-plant',
      name: 'Nhà máy xử lý khí Dinh Cố',
      province: 'Hồ Chí Minh',
      sector: 'gas',
      hazards: ['gas.co', 'gas.h2s'],
      shifts: TWELVE_HOURS,
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      shifts: TWELVE_HOURS,
      shiftsOfDay: [
        { start: '07:30', end: '19:30', hours: 12 },
        { start: '19:30', end: '07:30', hours: 12 },
      ],
    })
    await socket.emitWithAck('join', 'gas-plant')
    const credentials = (
      await platform.call('POST', '/api/v1/sensors', {
        id: 'co-12',
        facilityId: 'gas-plant',
        model: 'test',
        factors: ['gas.co'],
      })
    ).body.credentials
    detector = await platform.connectSensor(credentials)
  })

  it('refuses patterns out of order, repeated, or with an offset no place has, naming the field', async () => {
    const refused = [
      { starts: ['19:30', '07:30'], utcOffsetMinutes: 420 },
      { starts: ['07:30', '07:30'], utcOffsetMinutes: 420 },
      { starts: ['7:30'], utcOffsetMinutes: 420 },
      { starts: ['07:30'], utcOffsetMinutes: 900 },
    ]
    for (const shifts of refused) {
      const response = await platform.call('PATCH', '/api/v1/facilities/gas-plant', { shifts })
      expect(response.status, JSON.stringify(shifts)).toBe(400)
      expect(response.body.message).toMatch(/shifts/)
    }
    const header = 'id,name,province,sector,shifts,shiftsUtcOffset'
    for (const [line, problem] of [
      ['gas-2,Kho khí,Hà Nội,gas,19:30;07:30,+07:00', /line 2: shifts: .*increasing order/],
      ['gas-2,Kho khí,Hà Nội,gas,07:30;19:30,+15:00', /line 2: shiftsUtcOffset: .*\+14:00/],
      ['gas-2,Kho khí,Hà Nội,gas,07:30;19:30,7', /line 2: shiftsUtcOffset: .*±HH:MM/],
    ] as const) {
      const response = await platform.call('POST', '/api/v1/facilities/import', `${header}\n${line}\n`)
      expect(response.status).toBe(400)
      expect(response.body.message).toMatch(problem)
    }
    const imported = await platform.call(
      'POST',
      '/api/v1/facilities/import',
      `${header}\ngas-2,Kho khí,Hà Nội,gas,06:00;18:00,+07:00\n`,
    )
    expect(imported.status).toBe(200)
    expect((await platform.call('GET', '/api/v1/facilities/gas-2')).body).toMatchObject({
      shifts: { starts: ['06:00', '18:00'], utcOffsetMinutes: 420 },
      shiftsOfDay: [{ hours: 12 }, { hours: 12 }],
    })
    // Nothing refused reached the facility.
    expect((await platform.call('GET', '/api/v1/facilities/gas-plant')).body.shifts).toEqual(TWELVE_HOURS)
  })

  it('judges readings of 19:00–19:29 local on the shift that began at 07:30 (00:30Z)', async () => {
    await publishMinutes(at(DAY, '19:00'), 30)
    const exposure = await exposureAt(at(DAY, '19:29'))
    expect(exposure.shiftStart).toBe(new Date(at(DAY, '07:30')).toISOString())
    expect(exposure.shiftStart).toBe(`${DAY}T00:30:00.000Z`)
    expect(exposure.shift).toEqual({
      start: local(DAY, '07:30'),
      end: local(DAY, '19:30'),
      hours: 12,
      nextStart: local(DAY, '19:30'),
    })
    await waitUntil(
      async () => liveExposures.some((p) => p.shift?.start === local(DAY, '07:30')),
      10_000,
      () => `no live exposure on the 07:30 shift: ${JSON.stringify(liveExposures.at(-1))}`,
    )
    expect(liveExposures.at(-1)?.shift).toEqual(exposure.shift)
  })

  it('starts the next shift at 19:30', async () => {
    await publishMinutes(at(DAY, '19:30'), 11)
    const exposure = await exposureAt(at(DAY, '19:40'))
    expect(exposure.shift).toEqual({
      start: local(DAY, '19:30'),
      end: local(NEXT_DAY, '07:30'),
      hours: 12,
      nextStart: local(NEXT_DAY, '07:30'),
    })
  })

  it('applies a pattern changed in the middle of a shift from the next shift only', async () => {
    const patched = await platform.call('PATCH', '/api/v1/facilities/gas-plant', { shifts: EIGHT_HOURS })
    expect(patched.status).toBe(200)
    expect(patched.body.shiftsOfDay.map((s: { hours: number }) => s.hours)).toEqual([8, 8, 8])
    // 23:40 is in the new pattern's 23:30 shift, but the 19:30 shift was in progress: it stays as it began.
    await publishMinutes(at(DAY, '23:40'), 1)
    expect((await exposureAt(at(DAY, '23:40'))).shift).toEqual({
      start: local(DAY, '19:30'),
      end: local(NEXT_DAY, '07:30'),
      hours: 12,
      nextStart: local(NEXT_DAY, '07:30'),
    })
    await publishMinutes(at(NEXT_DAY, '07:40'), 1)
    const next = await exposureAt(at(NEXT_DAY, '07:40'))
    expect(next.shift).toEqual({
      start: local(NEXT_DAY, '07:30'),
      end: local(NEXT_DAY, '15:30'),
      hours: 8,
      nextStart: local(NEXT_DAY, '15:30'),
    })
    expect(next.shiftStart).toBe(new Date(at(NEXT_DAY, '07:30')).toISOString())
  })

  it('clears an offline alert raised on one factor when the sensor comes back sending another', async () => {
    const created = await platform.call('POST', '/api/v1/sensors', {
      id: 'multi-1',
      facilityId: 'gas-plant',
      model: 'multi-gas',
      factors: ['gas.co', 'gas.h2s'],
      reportingIntervalS: 1,
    })
    const multi = await platform.connectSensor(created.body.credentials)
    try {
      const topic = created.body.credentials.topic
      await multi.publishAsync(topic, JSON.stringify({ factor: 'gas.co', value: 3, unit: 'ppm' }), { qos: 1 })
      const offlineAlerts = async () =>
        (await platform.call('GET', '/api/v1/alerts?sensor=multi-1&kind=sensor-offline')).body.items as {
          id: string
          factor: string
          state: string
        }[]
      let opened: { id: string; factor: string; state: string } | undefined
      await waitUntil(
        async () => {
          opened = (await offlineAlerts()).find((a) => a.state === 'open')
          return opened !== undefined
        },
        30_000,
        () => 'no sensor-offline alert',
      )
      expect(opened?.factor).toBe('gas.co')
      // Back with H2S only: a reading a second, stamped from now on, for the tracker's clearing time (60 s)
      // of reading time, in one batch, so the test does not wait a minute.
      const now = Date.now()
      const readings = Array.from({ length: 62 }, (_, second) => ({
        factor: 'gas.h2s',
        value: 0.5,
        unit: 'ppm',
        ts: now + second * 1000,
      }))
      await multi.publishAsync(topic, JSON.stringify({ readings }), { qos: 1 })
      await waitUntil(
        async () => (await platform.call('GET', `/api/v1/alerts/${opened!.id}`)).body.state === 'cleared',
        20_000,
        () => 'the offline alert did not clear',
      )
      expect(await offlineAlerts()).toMatchObject([{ id: opened!.id, factor: 'gas.co', state: 'cleared' }])
    } finally {
      await multi.endAsync()
    }
  })
})
