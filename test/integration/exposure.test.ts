import type { MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SHIFT_PATTERN, shiftStartAt } from '../../core/shifts.ts'
import { readingsTopic } from '../../core/topics.ts'
import { mgPerCubicMetreToPpm } from '../../core/units.ts'
import { type Platform, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

const MINUTE = 60_000
// The last complete shift, so that two hours of minute readings all lie in the past.
const SHIFT = shiftStartAt(shiftStartAt(Date.now(), DEFAULT_SHIFT_PATTERN) - 1, DEFAULT_SHIFT_PATTERN)
// CO, ppm: 10 ppm all along with a 15-minute leak of 60 ppm from minute 30, above QCVN 03's STEL of 40 mg/m³.
const CO = Array.from({ length: 120 }, (_, minute) => (minute >= 30 && minute < 45 ? 60 : 10))
const STEL_PPM = mgPerCubicMetreToPpm(40, 28.01)

describe('the exposure engine behind the live platform', () => {
  let platform: Platform
  let detector: MqttClient
  let socket: Socket
  const alertEvents: { id: string; kind: string; level: string; state: string; sensorId: string }[] = []

  const api = async (path: string) => (await platform.call('GET', path)).body

  async function publishMinutes(from: number, to: number) {
    for (let minute = from; minute < to; minute++) {
      await detector.publishAsync(
        readingsTopic('plant-1', 'co-1'),
        JSON.stringify({ factor: 'gas.co', value: CO[minute], unit: 'ppm', ts: SHIFT + minute * MINUTE }),
        { qos: 1 },
      )
    }
  }

  async function latestTwa(): Promise<number | undefined> {
    const { items } = await api('/api/v1/exposures/latest?sensor=co-1')
    return items[0]?.twa
  }

  beforeAll(async () => {
    platform = await startPlatform()
    detector = await platform.connectSensor(await platform.registerSensor('plant-1', 'co-1', ['gas.co']))
    socket = io(platform.apiUrl, { transports: ['websocket'], auth: { token: platform.adminKey } })
    socket.on('alert', (alert) => alertEvents.push(alert))
    await socket.emitWithAck('join', 'plant-1')
  })

  afterAll(async () => {
    socket?.close()
    await detector?.endAsync()
    await platform?.stop()
  })

  it('opens one STEL alert for a 15-minute CO leak, which is acknowledged through the API', async () => {
    await publishMinutes(0, 45)
    const isStelAlarm = (a: { kind: string; level?: string }) => a.kind === 'stel' && a.level === 'alarm'
    await waitUntil(
      async () => alertEvents.some(isStelAlarm),
      10_000,
      () => 'no STEL alarm',
    )
    const { items } = await api('/api/v1/alerts?facility=plant-1&state=open')
    const stel = items.filter((a: { kind: string }) => a.kind === 'stel')
    expect(stel).toHaveLength(1)
    expect(stel[0].limit).toBeCloseTo(STEL_PPM, 6)
    const acknowledged = await platform.call('POST', `/api/v1/alerts/${stel[0].id}/acknowledge`, {
      note: 'ventilation started',
    })
    expect(acknowledged.body).toMatchObject({
      state: 'acknowledged',
      acknowledgements: [{ by: { name: 'test admin' }, note: 'ventilation started' }],
    })
  })

  it('keeps the shift’s TWA across an ingest restart in the middle of the shift', async () => {
    await publishMinutes(45, 60)
    await waitUntil(
      async () => (await latestTwa()) !== undefined,
      10_000,
      () => 'no exposure stored',
    )
    await platform.restartIngest()
    await publishMinutes(60, 120)
    // Each reading stands until the next one: minutes 0–118 are measured, over the 8-h reference.
    const expected = CO.slice(0, 119).reduce((sum, value) => sum + value, 0) / 480
    await waitUntil(
      async () => Math.abs(((await latestTwa()) ?? 0) - expected) < 1e-9,
      10_000,
      () => `TWA not ${expected}`,
    )
  })

  it('clears the STEL alert once the 15-minute mean has recovered, keeping who acknowledged it', async () => {
    const stelEvents = alertEvents.filter((a) => a.kind === 'stel')
    expect(new Set(stelEvents.map((a) => a.id)).size).toBe(1)
    await waitUntil(
      async () => alertEvents.some((a) => a.kind === 'stel' && a.state === 'cleared'),
      10_000,
      () => 'not cleared',
    )
    const { items } = await api('/api/v1/alerts?facility=plant-1&state=cleared')
    expect(items.find((a: { kind: string }) => a.kind === 'stel')).toMatchObject({
      state: 'cleared',
      acknowledgements: [{ by: { name: 'test admin' }, note: 'ventilation started' }],
    })
  })

  it('raises sensor-offline once a sensor has missed three reporting intervals, and clears it when it is back', async () => {
    const created = await platform.call('POST', '/api/v1/sensors', {
      id: 'dust-1',
      facilityId: 'plant-1',
      model: 'optical',
      factors: ['dust.total'],
      reportingIntervalS: 1,
    })
    const dust = await platform.connectSensor(created.body.credentials)
    const publish = () =>
      dust.publishAsync(
        created.body.credentials.topic,
        JSON.stringify({ factor: 'dust.total', value: 1.2, unit: 'mg/m3' }),
        {
          qos: 1,
        },
      )
    await publish()
    const isOffline = (a: { kind: string; sensorId?: string; state: string }) =>
      a.kind === 'sensor-offline' && a.sensorId === 'dust-1'
    await waitUntil(
      async () => alertEvents.some((a) => isOffline(a) && a.state === 'open'),
      20_000,
      () => 'not offline',
    )
    const opened = alertEvents.find((a) => isOffline(a) && a.state === 'open')!
    // Back: a reading a second, stamped from now on, for the tracker's clearing time (60 s) of reading time,
    // in one batch, so the test does not wait a minute.
    const now = Date.now()
    const readings = Array.from({ length: 62 }, (_, second) => ({
      factor: 'dust.total',
      value: 1.2,
      unit: 'mg/m3',
      ts: now + second * 1000,
    }))
    await dust.publishAsync(created.body.credentials.topic, JSON.stringify({ readings }), { qos: 1 })
    await waitUntil(
      async () => alertEvents.some((a) => a.id === opened.id && a.state === 'cleared'),
      20_000,
      () => 'the offline alert did not clear on the live feed',
    )
    expect((await api(`/api/v1/alerts/${opened.id}`)).state).toBe('cleared')
    await dust.endAsync()
  })
})
