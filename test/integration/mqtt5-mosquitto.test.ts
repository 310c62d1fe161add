import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { connectAsync, type IClientOptions } from 'mqtt'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { readingsTopic } from '../../core/topics.ts'
import { REPO } from '../support/cli.ts'
import { type Platform, startPlatform } from '../support/platform.ts'
import { freePort } from '../support/ports.ts'
import { findOnPath, startProcess, stopProcess, waitUntil } from '../support/processes.ts'

const run = promisify(execFile)
const mosquittoPath = inject('mosquittoPath')
const passwdPath = findOnPath('mosquitto_passwd') ?? null
const missing = [mosquittoPath === null && 'mosquitto', passwdPath === null && 'mosquitto_passwd'].filter(
  Boolean,
)
// Debian's mosquitto package has both; CI must run this, not skip it.
if (missing.length > 0 && process.env.CI === 'true') throw new Error(`CI=true requires ${missing.join(', ')}`)

const SERVICE = { username: 'quantrac', password: 'services-secret-for-this-test' }

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * The repository's deploy/mosquitto/mosquitto.conf and acl as they are, but for the listeners' ports (on
 * loopback) and the paths, in a temporary directory: what README "MQTT 5 devices" tells an operator to run.
 */
async function startShippedMosquitto(sensors: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-mosquitto5-'))
  await mkdir(join(dir, 'data'))
  const [devicePort, servicePort] = [await freePort(), await freePort()]
  const shipped = await readFile(join(REPO, 'deploy/mosquitto/mosquitto.conf'), 'utf8')
  const config = shipped
    .replace(/^listener 1883$/m, `listener ${devicePort} 127.0.0.1`)
    .replace(/^listener 1884 127\.0\.0\.1$/m, `listener ${servicePort} 127.0.0.1`)
    .replace('/mosquitto/config/passwords', join(dir, 'passwords'))
    .replace('/mosquitto/config/acl', join(dir, 'acl'))
    .replace('/mosquitto/data/', `${join(dir, 'data')}/`)
  expect(config).not.toMatch(/\/mosquitto\/|listener 188[34]\b/)
  // Tests run as whoever runs them: Mosquitto started as root would switch to the `mosquitto` user.
  await writeFile(join(dir, 'mosquitto.conf'), `${config}\nuser ${process.env.USER ?? 'root'}\n`)
  await copyFile(join(REPO, 'deploy/mosquitto/acl'), join(dir, 'acl'))
  await writeFile(join(dir, 'passwords'), '')
  for (const [username, password] of Object.entries({ [SERVICE.username]: SERVICE.password, ...sensors })) {
    await run(passwdPath!, ['-b', join(dir, 'passwords'), username, password])
  }
  const running = startProcess(mosquittoPath!, ['-c', join(dir, 'mosquitto.conf')])
  await waitUntil(
    async () => (await accepts(devicePort)) && (await accepts(servicePort)),
    10_000,
    () => `mosquitto did not listen: ${running.output()}`,
  )
  return {
    deviceUrl: `mqtt://127.0.0.1:${devicePort}`,
    serviceUrl: `mqtt://127.0.0.1:${servicePort}`,
    output: running.output,
    async stop() {
      await stopProcess(running.child)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * MQTT 5 devices reach quantrac through Mosquitto (aedes speaks 3.1.1 only): an MQTT.js client with
 * protocolVersion 5 publishes through the shipped configuration, ingest reads over MQTT 3.1.1 from the
 * services' listener, and each reading is stored once.
 */
describe.skipIf(missing.length > 0)(
  `MQTT 5 devices through Mosquitto${missing.length > 0 ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`,
  () => {
    let mosquitto: Awaited<ReturnType<typeof startShippedMosquitto>>
    let platform: Platform
    const sensorPassword = 'sensor-password-in-mosquitto'

    beforeAll(async () => {
      mosquitto = await startShippedMosquitto({ 'm5-noise': sensorPassword, 'm5-other': sensorPassword })
      platform = await startPlatform({ mqttUrl: mosquitto.serviceUrl, service: SERVICE })
      await platform.registerSensor('fac-m5', 'm5-noise', ['noise'])
      await platform.registerSensor('fac-m5b', 'm5-other', ['noise'])
    })

    afterAll(async () => {
      await platform?.stop()
      await mosquitto?.stop()
    })

    const device = (username: string, extra: IClientOptions = {}) =>
      connectAsync(mosquitto.deviceUrl, {
        protocolVersion: 5,
        username,
        password: sensorPassword,
        clientId: username,
        reconnectPeriod: 0,
        ...extra,
      })

    async function storedCount(sensorId: string, from: number): Promise<number> {
      const query = `factor=noise&from=${from}&to=${from + 60_000}&interval=1m`
      const answer = await platform.call('GET', `/api/v1/sensors/${sensorId}/readings?${query}`)
      return answer.body.points[0]?.count ?? 0
    }

    const minute = (offset: number) => Math.floor(Date.now() / 60_000) * 60_000 - offset * 60_000

    it('stores each reading an MQTT 5 device publishes once, MQTT 5 properties and all', async () => {
      const sensor = await device('m5-noise', { properties: { sessionExpiryInterval: 0 } })
      expect(sensor.options.protocolVersion).toBe(5)
      const from = minute(3)
      for (const [i, value] of [80, 81, 82, 83].entries()) {
        await sensor.publishAsync(
          readingsTopic('fac-m5', 'm5-noise'),
          JSON.stringify({ factor: 'noise', value, unit: 'dBA', ts: from + (i + 1) * 1000 }),
          { qos: 1, properties: { contentType: 'application/json', messageExpiryInterval: 3600 } },
        )
      }
      const later = minute(1)
      await sensor.publishAsync(
        readingsTopic('fac-m5', 'm5-noise'),
        JSON.stringify({ factor: 'noise', value: 70, unit: 'dBA', ts: later }),
        { qos: 1 },
      )
      // The later reading stored, every earlier one has been too: a duplicate would be counted by now.
      await expect.poll(() => storedCount('m5-noise', later)).toBe(1)
      expect(await storedCount('m5-noise', from)).toBe(4)
      await sensor.endAsync()
    })

    it('refuses a wrong password, and another sensor’s topic with reason code 135 (not authorized)', async () => {
      await expect(
        connectAsync(mosquitto.deviceUrl, {
          protocolVersion: 5,
          username: 'm5-noise',
          password: 'wrong',
          reconnectPeriod: 0,
        }),
      ).rejects.toThrow(/Not authorized|Bad User Name or Password/i)
      const sensor = await device('m5-noise')
      await expect(
        sensor.publishAsync(
          readingsTopic('fac-m5b', 'm5-other'),
          JSON.stringify({ factor: 'noise', value: 99, unit: 'dBA' }),
          { qos: 1 },
        ),
      ).rejects.toThrow(/Not authorized|135/i)
      await sensor.endAsync()
    })

    it('does not let a device take ingest’s client id: its id is its user name', async () => {
      const intruder = await device('m5-other', { clientId: 'quantrac-ingest' })
      const sensor = await device('m5-noise')
      const at = minute(5)
      await sensor.publishAsync(
        readingsTopic('fac-m5', 'm5-noise'),
        JSON.stringify({ factor: 'noise', value: 77, unit: 'dBA', ts: at }),
        { qos: 1 },
      )
      await expect.poll(() => storedCount('m5-noise', at)).toBe(1)
      expect(mosquitto.output()).not.toMatch(/Client quantrac-ingest already connected/)
      await intruder.endAsync()
      await sensor.endAsync()
    })
  },
)
