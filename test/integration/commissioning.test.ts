import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueApiKey } from '../../registry/api-keys.ts'
import { type Platform, type SensorCredentials, startPlatform, testFacility } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

const MINUTE = 60_000
const DAY = 86_400_000

/**
 * #18 commissioning from the outside: a contractor registers a sensor over HTTP, the sensor publishes over
 * MQTT with the credentials it was given, and the checklist in the API turns met item by item. The hour
 * of observed reporting is published as timestamped readings (the device's own clock), so nothing here
 * waits for an hour or depends on the machine's speed. Until commissioned, the sensor does not count for
 * coverage.
 */
describe('commissioning a new sensor', () => {
  let platform: Platform
  let contractor: string
  let officer: string
  let credentials: SensorCredentials
  let device: MqttClient
  const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear()

  const sensor = async () =>
    (await platform.call('GET', '/api/v1/sensors/probe-1', undefined, contractor)).body
  const met = async () =>
    Object.fromEntries(
      (await sensor()).commissioning.checklist.map((entry: { item: string; met: boolean }) => [
        entry.item,
        entry.met,
      ]),
    )
  const shortfallCodes = async () => {
    const report = await platform.call('GET', `/api/v1/reports/coverage?period=${year}`)
    expect(report.status).toBe(200)
    const facility = report.body.shortfalls.find((s: { facilityId: string }) => s.facilityId === 'plant')
    return facility.reasons.map((reason: { code: string }) => reason.code)
  }
  /** One message holding both factors at each of `minutes` (minutes before now). */
  async function publishAt(minutes: number[]) {
    for (let i = 0; i < minutes.length; i += 32) {
      const readings = minutes.slice(i, i + 32).flatMap((ago) => {
        const ts = Date.now() - ago * MINUTE
        return [
          { factor: 'noise', value: 82, unit: 'dBA', ts },
          { factor: 'temperature', value: 31, unit: '°C', ts },
        ]
      })
      await device.publishAsync(credentials.topic, JSON.stringify({ readings }), { qos: 1 })
    }
  }

  beforeAll(async () => {
    platform = await startPlatform()
    await platform.registry.createOrganisation({ id: 'ctv', name: 'Contractor', kind: 'contractor' })
    await platform.registry.createFacility(
      testFacility('plant', {
        contractorIds: ['ctv'],
        hazards: ['noise', 'temperature'],
        registeredAt: Date.now() - 2 * DAY,
      }),
    )
    contractor = (
      await issueApiKey(platform.registry, { name: 'c', role: 'contractor', organisationId: 'ctv' })
    ).token
    officer = (await issueApiKey(platform.registry, { name: 'o', role: 'officer', facilityId: 'plant' }))
      .token
    const created = await platform.call(
      'POST',
      '/api/v1/sensors',
      {
        id: 'probe-1',
        facilityId: 'plant',
        model: 'QT-2',
        factors: ['noise', 'temperature'],
        reportingIntervalS: 60,
      },
      contractor,
    )
    expect(created.status).toBe(201)
    credentials = created.body.credentials
    device = await platform.connectSensor(credentials)
  })

  afterAll(async () => {
    await device?.endAsync()
    await platform?.stop()
  })

  it('starts commissioning with nothing met, and does not count for coverage', async () => {
    const { commissioning } = await sensor()
    expect(commissioning).toMatchObject({ state: 'commissioning', missingFactors: ['noise', 'temperature'] })
    expect(commissioning.checklist.map((e: { met: boolean }) => e.met)).toEqual([false, false, false, false])
    expect(commissioning.checklist[2].detail).toBe('calibratedAt and calibrationDue not registered')
    expect(await shortfallCodes()).toEqual(['not-commissioned', 'not-commissioned'])
  })

  it('meets the first reading, then every factor, from what the sensor publishes', async () => {
    await device.publishAsync(
      credentials.topic,
      JSON.stringify({ factor: 'noise', value: 80, unit: 'dBA', ts: Date.now() - 70 * MINUTE }),
      { qos: 1 },
    )
    await waitUntil(
      async () => (await met())['first-reading'] === true,
      20_000,
      () => 'no first reading',
    )
    expect((await sensor()).commissioning.missingFactors).toEqual(['temperature'])
    expect((await met())['factors-reporting']).toBe(false)

    // An hour of readings every minute, 69 … 3 minutes ago.
    await publishAt(Array.from({ length: 67 }, (_, i) => 69 - i))
    await waitUntil(
      async () => (await met())['reporting-interval'] === true,
      20_000,
      () => 'the reporting interval was not observed',
    )
    const { commissioning } = await sensor()
    expect(commissioning.state).toBe('commissioning')
    expect(commissioning.observedMinutes).toBeGreaterThanOrEqual(60)
    expect(await met()).toEqual({
      'first-reading': true,
      'factors-reporting': true,
      calibration: false,
      'reporting-interval': true,
    })
  })

  it('is commissioned once the calibration is registered and the sensor reports again', async () => {
    expect(
      (
        await platform.call(
          'PATCH',
          '/api/v1/sensors/probe-1',
          { calibratedAt: new Date().toISOString() },
          officer,
        )
      ).status,
    ).toBe(403)
    const patched = await platform.call(
      'PATCH',
      '/api/v1/sensors/probe-1',
      {
        calibratedAt: new Date(Date.now() - DAY).toISOString(),
        calibrationDue: new Date(Date.now() + 300 * DAY).toISOString(),
      },
      contractor,
    )
    expect(patched.status).toBe(200)
    expect(patched.body.commissioning.checklist.every((e: { met: boolean }) => e.met)).toBe(true)
    await publishAt([1])
    await waitUntil(
      async () => (await sensor()).commissioning.state === 'commissioned',
      20_000,
      () => 'the sensor was not commissioned',
    )
    const { commissioning } = await sensor()
    expect(Date.parse(commissioning.commissionedAt)).toBeGreaterThan(Date.now() - 10 * MINUTE)
    // The report counts it from its next hour: a running period is judged up to its last full hour, where
    // the sensor was still commissioning (as a facility registered this hour counts from the next).
    // The officer reads the same checklist; the change is in the audit trail.
    const asOfficer = await platform.call('GET', '/api/v1/sensors?facility=plant', undefined, officer)
    expect(asOfficer.body.items[0].commissioning.state).toBe('commissioned')
    const audit = await platform.call('GET', '/api/v1/audit?action=sensor.change&facility=plant')
    expect(audit.body.items).toHaveLength(1)
  })
})
