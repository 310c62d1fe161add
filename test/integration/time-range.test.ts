import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MAX_INSTANT } from '../../api/schemas/common.ts'
import { type Platform, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

const influxUrl = inject('influxUrl')

/** The widest range the API takes is one InfluxDB answers: a later `to` was a 500 from its query parser. */
describe.skipIf(influxUrl === null)(
  `time ranges at the edge of what InfluxDB holds${influxUrl === null ? ' (skipped: influxd not installed)' : ''}`,
  () => {
    let platform: Platform

    beforeAll(async () => {
      platform = await startPlatform({ influxUrl: influxUrl! })
      const sensor = await platform.registerSensor('fac-1', 'noise-1', ['noise'])
      const client = await platform.connectSensor(sensor)
      await client.publishAsync(sensor.topic, JSON.stringify({ factor: 'noise', value: 80, unit: 'dBA' }), {
        qos: 1,
      })
      await client.endAsync()
      await waitUntil(
        async () =>
          (await platform.call('GET', '/api/v1/readings/latest?sensor=noise-1')).body.items.length === 1,
        10_000,
        () => 'the reading never reached InfluxDB',
      )
    })

    afterAll(async () => {
      await platform?.stop()
    })

    it('answers a series from 1970 to the last instant with the longest interval', async () => {
      const response = await platform.call(
        'GET',
        `/api/v1/sensors/noise-1/readings?factor=noise&from=0&to=${MAX_INSTANT}&interval=366d`,
      )
      expect(response.status).toBe(200)
      expect(response.body.to).toBe('2262-04-11T23:47:16.854Z')
      expect(response.body.points.reduce((sum: number, p: { count: number }) => sum + p.count, 0)).toBe(1)
    })

    it('refuses one millisecond more, naming the field', async () => {
      const response = await platform.call(
        'GET',
        `/api/v1/sensors/noise-1/readings?factor=noise&to=${MAX_INSTANT + 1}`,
      )
      expect(response.status).toBe(400)
      expect(response.body.message).toContain('querystring.to')
    })
  },
)
