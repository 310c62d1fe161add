import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSimulateCli } from '../../simulators/cli.ts'
import { type Platform, startPlatform } from '../support/platform.ts'

describe('quantrac simulate --register', () => {
  let platform: Platform

  beforeAll(async () => {
    platform = await startPlatform()
  })

  afterAll(async () => {
    await platform?.stop()
  })

  it('registers its fleet like a contractor and publishes with each sensor’s own credentials', async () => {
    const lines: string[] = []
    const code = await runSimulateCli(
      ['--facilities', '1', '--sensors', '3', '--rate', '5', '--duration', '2', '--register', '--seed', '7'],
      {
        env: { QUANTRAC_MQTT_URL: platform.mqttUrl, QUANTRAC_DATA_DIR: platform.dataDir },
        stderr: (line) => lines.push(line),
        log: pino({ level: 'silent' }),
      },
    )
    expect(code).toBe(0)
    expect(lines.join('\n')).toMatch(/registered 1 facilities and 3 sensors/)
    const sensors = (await platform.call('GET', '/api/v1/sensors')).body
    expect(sensors.total).toBe(3)
    const latest = (await platform.call('GET', '/api/v1/readings/latest')).body
    expect(new Set(latest.items.map((r: { sensorId: string }) => r.sensorId)).size).toBe(3)
    expect(platform.ingest.stats().rejected['unknown-sensor']).toBe(0)
  })
})
