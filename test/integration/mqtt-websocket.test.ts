import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync, type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readingsTopic } from '../../core/topics.ts'
import { type Platform, type SensorCredentials, startPlatform } from '../support/platform.ts'
import { makeTestCertificates } from '../support/tls.ts'

/** An MQTT.js client as a gateway opens it: over WebSocket, signed in as its sensor. */
function connectOverWebSocket(url: string, sensor: SensorCredentials, extra: object = {}) {
  return connectAsync(url, {
    username: sensor.username,
    password: sensor.password,
    clientId: sensor.username,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...extra,
  })
}

const minute = (offset: number) => Math.floor(Date.now() / 60_000) * 60_000 - offset * 60_000

/**
 * MQTT over WebSocket on the embedded broker, configured by QUANTRAC_MQTT_WS_* as a user does: a gateway
 * behind an HTTP-only network publishes with its sensor's credentials and each reading is stored once; the
 * same authentication and authorization as over TCP; wss:// with the TLS listener's certificate.
 */
describe('MQTT over WebSocket', () => {
  let certificatesDir: string
  let certificates: Awaited<ReturnType<typeof makeTestCertificates>>
  let platform: Platform
  let sensor: SensorCredentials
  let other: SensorCredentials
  let url: string

  beforeAll(async () => {
    certificatesDir = await mkdtemp(join(tmpdir(), 'quantrac-ws-tls-'))
    certificates = await makeTestCertificates(certificatesDir)
    platform = await startPlatform({ env: { QUANTRAC_MQTT_WS_PORT: '0' } })
    url = `ws://127.0.0.1:${platform.broker!.webSocketPort}/mqtt`
    sensor = await platform.registerSensor('fac-ws', 'gw-noise', ['noise'])
    other = await platform.registerSensor('fac-other', 'other-noise', ['noise'])
  })

  afterAll(async () => {
    await platform?.stop()
    await rm(certificatesDir, { recursive: true, force: true })
  })

  /** How many readings of the sensor the store holds in the minute starting at `from`. */
  async function storedCount(sensorId: string, from: number): Promise<number> {
    const query = `factor=noise&from=${from}&to=${from + 60_000}&interval=1m`
    const answer = await platform.call('GET', `/api/v1/sensors/${sensorId}/readings?${query}`)
    return answer.body.points[0]?.count ?? 0
  }

  it('stores each reading a sensor publishes over ws:// once', async () => {
    const gateway = await connectOverWebSocket(url, sensor)
    const from = minute(3)
    for (const [i, value] of [71, 72, 73].entries()) {
      const reading = { factor: 'noise', value, unit: 'dBA', ts: from + (i + 1) * 1000 }
      await gateway.publishAsync(sensor.topic, JSON.stringify(reading), { qos: 1 })
    }
    // A later reading stored means every earlier one has been: a duplicate would be counted by now.
    const later = minute(1)
    await gateway.publishAsync(
      sensor.topic,
      JSON.stringify({ factor: 'noise', value: 70, unit: 'dBA', ts: later }),
      {
        qos: 1,
      },
    )
    await expect.poll(() => storedCount('gw-noise', later)).toBe(1)
    expect(await storedCount('gw-noise', from)).toBe(3)
    await gateway.endAsync()
  })

  it('refuses a wrong password and an unknown sensor, as over TCP', async () => {
    const wrong = connectOverWebSocket(url, { ...sensor, password: 'not-the-password' })
    await expect(wrong).rejects.toThrow(/Not authorized|Bad username or password/)
    const unknown = connectOverWebSocket(
      url,
      { ...sensor, username: 'nobody', password: 'x' },
      { clientId: 'nobody' },
    )
    await expect(unknown).rejects.toThrow(/Not authorized|Bad username or password/)
  })

  it('lets a sensor publish only to its own topic, as over TCP', async () => {
    const gateway: MqttClient = await connectOverWebSocket(url, sensor)
    const closed = new Promise<void>((resolve) => gateway.once('close', () => resolve()))
    const from = minute(5)
    // Another facility's sensor's topic: the broker closes the connection [MQTT-3.3.5-2], nothing is stored.
    gateway.publish(
      readingsTopic('fac-other', 'other-noise'),
      JSON.stringify({ factor: 'noise', value: 99, unit: 'dBA', ts: from + 1000 }),
      { qos: 1 },
    )
    await closed
    await gateway.endAsync(true)
    const owner = await platform.connectSensor(other)
    await owner.publishAsync(
      other.topic,
      JSON.stringify({ factor: 'noise', value: 60, unit: 'dBA', ts: from + 2000 }),
      {
        qos: 1,
      },
    )
    await expect.poll(() => storedCount('other-noise', from)).toBe(1)
    await owner.endAsync()
  })

  it('answers a plain HTTP request with 426, naming the path to open', async () => {
    const answer = await fetch(`http://127.0.0.1:${platform.broker!.webSocketPort}/`)
    expect(answer.status).toBe(426)
    expect(await answer.text()).toContain('/mqtt')
  })

  it('serves wss:// with the TLS listener’s certificate when QUANTRAC_MQTT_WS_TLS=true', async () => {
    const secure = await startPlatform({
      env: {
        QUANTRAC_MQTT_TLS_CERT: certificates.cert,
        QUANTRAC_MQTT_TLS_KEY: certificates.key,
        QUANTRAC_MQTT_TLS_PORT: '0',
        QUANTRAC_MQTT_WS_PORT: '0',
        QUANTRAC_MQTT_WS_TLS: 'true',
      },
    })
    try {
      const secureUrl = `wss://127.0.0.1:${secure.broker!.webSocketPort}/mqtt`
      const gatewaySensor = await secure.registerSensor('fac-wss', 'gw-secure', ['noise'])
      const ca = await readFile(certificates.ca)
      const gateway = await connectOverWebSocket(secureUrl, gatewaySensor, { ca, rejectUnauthorized: true })
      const at = minute(2)
      await gateway.publishAsync(
        gatewaySensor.topic,
        JSON.stringify({ factor: 'noise', value: 75, unit: 'dBA', ts: at }),
        {
          qos: 1,
        },
      )
      await expect
        .poll(async () => {
          const query = `factor=noise&from=${at}&to=${at + 60_000}&interval=1m`
          return (await secure.call('GET', `/api/v1/sensors/gw-secure/readings?${query}`)).body.points[0]
            ?.count
        })
        .toBe(1)
      await gateway.endAsync()
      // A client that does not trust the certificate is not connected.
      await expect(connectOverWebSocket(secureUrl, gatewaySensor)).rejects.toThrow()
    } finally {
      await secure.stop()
    }
  })
})
