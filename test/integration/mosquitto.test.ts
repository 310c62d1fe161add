import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { readingsTopic } from '../../core/topics.ts'
import { startMosquitto } from '../support/mosquitto.ts'
import { type Platform, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

const mosquittoPath = inject('mosquittoPath')
const influxUrl = inject('influxUrl')
const reason = [mosquittoPath === null && 'mosquitto', influxUrl === null && 'influxd']
  .filter(Boolean)
  .join(' and ')

describe.skipIf(reason !== '')(
  `ingest and API against an external Mosquitto broker and InfluxDB${reason ? ` (skipped: ${reason} not installed)` : ''}`,
  () => {
    let mosquitto: Awaited<ReturnType<typeof startMosquitto>>
    let platform: Platform

    beforeAll(async () => {
      mosquitto = await startMosquitto(mosquittoPath!)
      platform = await startPlatform({ mqttUrl: mosquitto.url, influxUrl: influxUrl! })
    })

    afterAll(async () => {
      await platform?.stop()
      await mosquitto?.stop()
    })

    it('stores readings published through Mosquitto and pushes alerts to the live feed', async () => {
      expect(platform.broker).toBeUndefined()
      await platform.registerSensor('mine-7', 'gas-3', ['gas.o2', 'gas.co'])
      const socket = io(platform.apiUrl, { transports: ['websocket'], auth: { token: platform.adminKey } })
      await socket.emitWithAck('join', 'mine-7')
      const alert = new Promise<any>((resolve) => socket.once('alert', resolve))
      const sensor = await platform.connectSensor()
      await sensor.publishAsync(
        readingsTopic('mine-7', 'gas-3'),
        JSON.stringify({
          readings: [
            { factor: 'gas.o2', value: 18.2, unit: '%vol' },
            { factor: 'gas.co', value: 12, unit: 'ppm' },
          ],
        }),
        { qos: 1 },
      )
      expect(await alert).toMatchObject({ factor: 'gas.o2', kind: 'ceiling', value: 18.2, limit: 19.5 })
      await waitUntil(
        async () =>
          (await platform.call('GET', '/api/v1/readings/latest?facility=mine-7')).body.items.length === 2,
        10_000,
        () => 'readings did not reach InfluxDB',
      )
      socket.close()
      await sensor.endAsync()
    })

    it('refuses readings from a sensor the registry does not know, even when the broker let them through', async () => {
      const sensor = await platform.connectSensor()
      await sensor.publishAsync(
        readingsTopic('mine-7', 'intruder'),
        JSON.stringify({ factor: 'noise', value: 90, unit: 'dBA' }),
        {
          qos: 1,
        },
      )
      await waitUntil(
        async () => platform.ingest.stats().rejected['unknown-sensor'] === 1,
        10_000,
        () => 'not rejected',
      )
      await sensor.endAsync()
    })
  },
)
