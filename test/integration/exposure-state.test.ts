import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Platform, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

describe('ingest restarting on saved exposure state it cannot read', () => {
  let platform: Platform

  beforeAll(async () => {
    platform = await startPlatform()
  })
  afterAll(async () => {
    await platform?.stop()
  })

  it('starts that state fresh and goes on taking readings, exposure figures and alerts', async () => {
    const credentials = await platform.registerSensor('fac-s', 'noise-s', ['noise'])
    await platform.stopIngest()
    // What a disk that lost a write, or an older quantrac, leaves behind.
    await platform.registry.saveStates([
      ['exposure-monitor/evaluator/noise-s/noise', { key: { sensorId: 'noise-s' }, evaluator: '{' }],
      ['exposure-monitor/alerts', { slots: null, alerts: 'none' }],
    ])
    await platform.startIngest()
    const sensor = await platform.connectSensor(credentials)
    try {
      await sensor.publishAsync(
        credentials.topic,
        JSON.stringify({ factor: 'noise', value: 118, unit: 'dBA' }),
        {
          qos: 1,
        },
      )
      await waitUntil(
        async () => (await platform.call('GET', '/api/v1/alerts?facility=fac-s')).body.items.length > 0,
        10_000,
        () => 'no alert for the loud reading',
      )
      await waitUntil(
        async () =>
          (await platform.call('GET', '/api/v1/exposures/latest?sensor=noise-s')).body.items.length > 0,
        10_000,
        () => 'no exposure figures',
      )
      expect(platform.ingest.stats().readings).toBe(1)
    } finally {
      await sensor.endAsync()
    }
  })
})
