import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInfluxStore } from '../../store/influx/store.ts'
import type { TimeSeriesStore } from '../../store/types.ts'
import { waitUntil } from '../support/processes.ts'

/**
 * InfluxDB 2.x through @influxdata/influxdb-client (writes) and the v1-compatible /query (reads), in a
 * container. Needs a Docker engine, which CI and the development machines do not have: there the test says
 * it was skipped, and CI does not depend on it.
 */
async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    await getContainerRuntimeClient()
    return true
  } catch {
    return false
  }
}

const docker = await dockerAvailable()
if (!docker)
  console.warn('\n  SKIPPED the InfluxDB 2.x container test: no Docker engine for testcontainers\n')
const TOKEN = 'quantrac-test-token'

describe.skipIf(!docker)(
  `the store on InfluxDB 2.x in a container${docker ? '' : ' (skipped: no Docker engine for testcontainers)'}`,
  () => {
    let stop: () => Promise<void>
    let store: TimeSeriesStore

    beforeAll(async () => {
      const { GenericContainer, Wait } = await import('testcontainers')
      const container = await new GenericContainer('influxdb:2')
        .withEnvironment({
          DOCKER_INFLUXDB_INIT_MODE: 'setup',
          DOCKER_INFLUXDB_INIT_USERNAME: 'quantrac',
          DOCKER_INFLUXDB_INIT_PASSWORD: 'quantrac-password',
          DOCKER_INFLUXDB_INIT_ORG: 'quantrac',
          DOCKER_INFLUXDB_INIT_BUCKET: 'quantrac',
          DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: TOKEN,
        })
        .withExposedPorts(8086)
        .withWaitStrategy(Wait.forHttp('/ping', 8086).forStatusCode(204))
        .start()
      stop = async () => {
        await container.stop()
      }
      const url = `http://${container.getHost()}:${container.getMappedPort(8086)}`
      store = await createInfluxStore({ url, database: 'quantrac', token: TOKEN, org: 'quantrac' })
    }, 180_000)

    afterAll(async () => {
      await store?.close()
      await stop?.()
    })

    it('writes readings through the client library and reads them back with InfluxQL', async () => {
      const time = Date.now() - 1000
      await store.writeReadings([{ facilityId: 'f', sensorId: 's', factor: 'noise', value: 91.5, time }])
      await waitUntil(
        async () => (await store.latestReadings({ sensorId: 's' })).length === 1,
        20_000,
        () => 'not read',
      )
      expect(await store.latestReadings({ sensorId: 's' })).toEqual([
        { facilityId: 'f', sensorId: 's', factor: 'noise', value: 91.5, time },
      ])
    })
  },
)
