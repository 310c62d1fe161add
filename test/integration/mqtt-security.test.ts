import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, openSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect as connectTcp } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { promisify } from 'node:util'
import { connectAsync, type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { readingsTopic } from '../../core/topics.ts'
import { startMosquitto } from '../support/mosquitto.ts'
import { connectFrom, connectPacket, type LoginOutcome, loginOutcome } from '../support/mqtt-clients.ts'
import { startPlatform } from '../support/platform.ts'
import { freePort } from '../support/ports.ts'
import { findOnPath, stopProcess, waitUntil } from '../support/processes.ts'
import { makeTestCertificates } from '../support/tls.ts'

const run = promisify(execFile)
const mosquittoPub = findOnPath('mosquitto_pub')
const mosquittoSub = findOnPath('mosquitto_sub')
const mosquittoPath = inject('mosquittoPath')
const missing = [
  mosquittoPub ?? 'mosquitto_pub',
  mosquittoSub ?? 'mosquitto_sub',
  findOnPath('openssl') ?? 'openssl',
].filter((tool) => !tool.startsWith('/'))
if (missing.length > 0 && process.env.CI === 'true') throw new Error(`CI=true requires ${missing.join(', ')}`)

// CONNACK return codes of MQTT 3.1.1 [MQTT-3.2.2.3].
const IDENTIFIER_REJECTED = 2
const SERVER_UNAVAILABLE = 3
const BAD_CREDENTIALS = 4
const NOT_AUTHORISED = 5

/** Hostile attempts the suite made and the ones the platform held: the README's figures. */
const tally = { tried: 0, held: 0 }
function attack<T>(outcome: T, held: (outcome: T) => boolean): T {
  tally.tried++
  if (held(outcome)) tally.held++
  return outcome
}

/** A part of quantrac in its own process, its whole output in a file. */
function startPart(part: string, env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a')
  const child = spawn(process.execPath, ['bin/quantrac.ts', part], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env },
  })
  closeSync(fd)
  return child
}

function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}

afterAll(() => {
  console.info(`MQTT security suite: ${tally.tried} hostile attempts, ${tally.held} held`)
})

const noise = (value: number, ts: number) => JSON.stringify({ factor: 'noise', value, unit: 'dBA', ts })

describe.skipIf(missing.length > 0)(
  `MQTT security: the embedded broker, ingest and API run apart${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`,
  () => {
    let dir: string
    let dataDir: string
    let env: NodeJS.ProcessEnv
    let certificates: Awaited<ReturnType<typeof makeTestCertificates>>
    const ports = { http: 0, mqtt: 0, tls: 0, brokerMetrics: 0 }
    const parts: ChildProcess[] = []
    const logs: string[] = []
    const servicePassword = randomBytes(24).toString('base64url')
    let adminKey: string
    const sensors: Record<string, { username: string; password: string; topic: string }> = {}
    // Every password sent to the broker in this suite, right or wrong: none may reach a log.
    const passwordsUsed = new Set<string>([servicePassword])
    const canary = { client: undefined as MqttClient | undefined, acknowledged: [] as number[], closes: 0 }
    let canaryTimer: NodeJS.Timeout | undefined

    async function api(method: string, path: string, body?: object) {
      const response = await fetch(`http://127.0.0.1:${ports.http}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      })
      return { status: response.status, body: await response.json() }
    }

    async function brokerMetrics(): Promise<string> {
      return (await fetch(`http://127.0.0.1:${ports.brokerMetrics}/metrics`)).text()
    }

    const refused = async (reason: string) =>
      sample(await brokerMetrics(), `quantrac_broker_refused_total{kind="connection",reason="${reason}"}`)

    function storedTimes(sensorId: string): Set<number> {
      const db = new DatabaseSync(join(dataDir, 'timeseries.sqlite'), { readOnly: true })
      try {
        const rows = db.prepare('SELECT time FROM reading WHERE sensor = ?').all(sensorId) as {
          time: number
        }[]
        return new Set(rows.map((row) => row.time))
      } finally {
        db.close()
      }
    }

    const login = (
      address: string,
      username: string | undefined,
      password: string | undefined,
      clientId?: string,
    ) => {
      if (password !== undefined) passwordsUsed.add(password)
      return loginOutcome(ports.mqtt, address, { username, password, clientId: clientId ?? username })
    }

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'quantrac-mqtt-security-'))
      dataDir = join(dir, 'data')
      certificates = await makeTestCertificates(dir)
      for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort()
      env = {
        QUANTRAC_DATA_DIR: dataDir,
        QUANTRAC_HTTP_PORT: String(ports.http),
        QUANTRAC_MQTT_PORT: String(ports.mqtt),
        QUANTRAC_MQTT_URL: `mqtt://127.0.0.1:${ports.mqtt}`,
        QUANTRAC_MQTT_USERNAME: 'quantrac-services',
        QUANTRAC_MQTT_PASSWORD: servicePassword,
        QUANTRAC_MQTT_TLS_CERT: certificates.cert,
        QUANTRAC_MQTT_TLS_KEY: certificates.key,
        QUANTRAC_MQTT_TLS_PORT: String(ports.tls),
        QUANTRAC_FLUSH_INTERVAL_MS: '100',
        QUANTRAC_LOG_LEVEL: 'debug',
        QUANTRAC_SENSOR_RATE_LIMIT: '50',
        QUANTRAC_SENSOR_BURST: '20',
        QUANTRAC_MQTT_LOGIN_FAILURES_PER_ADDRESS: '5',
        QUANTRAC_MQTT_LOGIN_FAILURES_PER_USERNAME: '3',
        // Long: tokens do not come back while the suite runs, so what is throttled stays throttled.
        QUANTRAC_MQTT_LOGIN_WINDOW_S: '3600',
        QUANTRAC_MQTT_MAX_CONNECTIONS_PER_USER: '6',
      }
      for (const part of ['broker', 'ingest', 'api']) {
        const logFile = join(dir, `${part}.log`)
        logs.push(logFile)
        const partEnv =
          part === 'broker' ? { ...env, QUANTRAC_METRICS_PORT: String(ports.brokerMetrics) } : env
        parts.push(startPart(part, partEnv, logFile))
        if (part === 'broker') {
          await waitUntil(
            async () => (await fetch(`http://127.0.0.1:${ports.brokerMetrics}/metrics`)).ok,
            20_000,
            () => `broker did not start: ${readFileSync(logFile, 'utf8').slice(-2000)}`,
          )
        }
      }
      await waitUntil(
        async () => (await fetch(`http://127.0.0.1:${ports.http}/health`)).ok,
        30_000,
        () => `API did not start: ${readFileSync(logs[2]!, 'utf8').slice(-2000)}`,
      )
      const { stdout } = await run(
        process.execPath,
        ['bin/quantrac.ts', 'admin', 'create-key', '--role', 'admin', '--name', 'security suite'],
        { env: { ...process.env, ...env } },
      )
      adminKey = stdout.trim()
      for (const id of ['fac-a', 'fac-b']) {
        expect(
          (await api('POST', '/api/v1/facilities', { id, name: id, province: 'Huế', sector: 'garment' }))
            .status,
        ).toBe(201)
      }
      for (const [id, facilityId] of [
        ['canary', 'fac-a'],
        ['sa1', 'fac-a'],
        ['sa2', 'fac-a'],
        ['sa3', 'fac-a'],
        ['sb1', 'fac-b'],
        ['flooder', 'fac-b'],
        ['tls-1', 'fac-b'],
      ] as const) {
        const created = await api('POST', '/api/v1/sensors', {
          id,
          facilityId,
          model: 'meter',
          factors: ['noise'],
        })
        expect(created.status).toBe(201)
        sensors[id] = created.body.credentials
        passwordsUsed.add(created.body.credentials.password)
      }

      // The canary: a well-behaved sensor publishing QoS 1 through everything below.
      const client = await connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
        username: 'canary',
        password: sensors.canary!.password,
        clientId: 'canary',
        reconnectPeriod: 1000,
      })
      canary.client = client
      client.on('close', () => canary.closes++)
      let ts = Date.now() - 60 * 60_000
      canaryTimer = setInterval(() => {
        const time = ts++
        client.publish(sensors.canary!.topic, noise(65, time), { qos: 1 }, (err) => {
          if (!err) canary.acknowledged.push(time)
        })
      }, 100)
    }, 120_000)

    afterAll(async () => {
      clearInterval(canaryTimer)
      await canary.client?.endAsync(true)
      for (const part of parts.reverse()) await stopProcess(part)
      await rm(dir, { recursive: true, force: true })
    })

    describe('client ids', () => {
      it('refuses a sensor taking ingest’s client id, and ingest run apart keeps every acknowledged reading', async () => {
        const publisher = await connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
          username: 'sb1',
          password: sensors.sb1!.password,
          clientId: 'sb1',
          reconnectPeriod: 0,
        })
        const base = Date.now() - 30 * 60_000
        const acknowledged: number[] = []
        const publish = (i: number) =>
          publisher
            .publishAsync(sensors.sb1!.topic, noise(70, base + i), { qos: 1 })
            .then(() => acknowledged.push(base + i))
        const first = Array.from({ length: 10 }, (_, i) => publish(i))
        await Promise.all(first)
        const taker = attack(
          await login('127.0.0.1', 'sa1', sensors.sa1!.password, 'quantrac-ingest'),
          (outcome) => outcome === IDENTIFIER_REJECTED,
        )
        expect(taker).toBe(IDENTIFIER_REJECTED)
        await Promise.all(Array.from({ length: 10 }, (_, i) => publish(10 + i)))
        await publisher.endAsync()
        expect(acknowledged).toHaveLength(20)
        await waitUntil(
          async () => acknowledged.every((time) => storedTimes('sb1').has(time)),
          20_000,
          () => `stored ${storedTimes('sb1').size} of the 20 readings sb1 was acknowledged`,
        )
      })

      it.each([
        ['another tenant’s sensor id', 'sb1', 'canary'],
        ['an API instance’s id', 'sa1', 'quantrac-api-1234-abcdef'],
        ['an id that only starts with its own', 'sa1', 'sa1-backup'],
        ['another sensor of its own facility', 'sa1', 'sa2'],
      ])('refuses a sensor connecting with %s', async (_, username, clientId) => {
        const outcome = attack(
          await login('127.0.0.1', username, sensors[username]!.password, clientId),
          (o) => o === IDENTIFIER_REJECTED,
        )
        expect(outcome).toBe(IDENTIFIER_REJECTED)
      })

      it('refuses a client without credentials, whatever client id it takes', async () => {
        expect(
          attack(await login('127.0.0.1', undefined, undefined, 'canary'), (o) => o === NOT_AUTHORISED),
        ).toBe(NOT_AUTHORISED)
      })

      it('refuses to register a sensor under a service’s client id', async () => {
        const created = attack(
          await api('POST', '/api/v1/sensors', {
            id: 'quantrac-ingest',
            facilityId: 'fac-a',
            model: 'm',
            factors: ['noise'],
          }),
          (response) => response.status === 400,
        )
        expect(created.status).toBe(400)
        expect(created.body.message).toContain('reserved')
      })
    })

    describe('subscriptions and wills', () => {
      it('grants a sensor no subscription at all', async () => {
        const client = await connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
          username: 'sa1',
          password: sensors.sa1!.password,
          clientId: 'sa1',
          reconnectPeriod: 0,
        })
        for (const filter of ['#', 'quantrac/v1/readings/+/+', 'quantrac/v1/live/fac-a/alerts', '$SYS/#']) {
          const granted = await client.subscribeAsync(filter, { qos: 1 }).then(
            () => true,
            () => false,
          )
          expect(attack(granted, (g) => !g)).toBe(false)
        }
        await client.endAsync()
      })

      it.each([
        ['another sensor’s readings topic', () => sensors.sb1!.topic],
        ['the live feed', () => 'quantrac/v1/live/fac-a/alerts'],
        ['a registry announcement', () => 'quantrac/v1/registry/sensors/sa2'],
        ['$SYS', () => '$SYS/broker/clients'],
      ])('refuses a sensor whose will would publish to %s', async (_, topic) => {
        const outcome = attack(
          await loginOutcome(ports.mqtt, '127.0.0.1', {
            username: 'sa3',
            password: sensors.sa3!.password,
            clientId: 'sa3',
            will: { topic: topic(), payload: Buffer.from(noise(140, Date.now())), qos: 1, retain: false },
          }),
          (o) => o === NOT_AUTHORISED,
        )
        expect(outcome).toBe(NOT_AUTHORISED)
      })

      it('delivers a will to the sensor’s own topic as its reading when its connection drops', async () => {
        const time = Date.now() - 5 * 60_000
        const { outcome, client } = await connectFrom(ports.mqtt, '127.0.0.1', {
          username: 'sa3',
          password: sensors.sa3!.password,
          clientId: 'sa3',
          will: { topic: sensors.sa3!.topic, payload: Buffer.from(noise(77, time)), qos: 1, retain: false },
        })
        expect(outcome).toBe('connected')
        client!.stream.destroy()
        await waitUntil(
          async () => storedTimes('sa3').has(time),
          15_000,
          () => 'the will was not stored',
        )
      })
    })

    describe('caps', () => {
      it('holds one connection per sensor credentials: each new one replaces the last', async () => {
        const clients: MqttClient[] = []
        let closed = 0
        for (let i = 0; i < 10; i++) {
          const client = await connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
            username: 'sa2',
            password: sensors.sa2!.password,
            clientId: 'sa2',
            reconnectPeriod: 0,
          })
          client.once('close', () => closed++)
          clients.push(client)
        }
        await waitUntil(
          async () => closed === 9,
          10_000,
          () => `${closed} of 9 earlier connections closed`,
        )
        expect(attack(clients.filter((c) => c.connected).length, (n) => n === 1)).toBe(1)
        expect(clients.at(-1)!.connected).toBe(true)
        for (const client of clients) await client.endAsync(true)
      })

      it('caps the connections of the services’ user name', async () => {
        // Ingest and the API hold two of the six.
        const extra: MqttClient[] = []
        for (let i = 0; i < 4; i++) {
          extra.push(
            await connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
              username: 'quantrac-services',
              password: servicePassword,
              clientId: `quantrac-extra-${i}`,
              reconnectPeriod: 0,
            }),
          )
        }
        const outcome = attack(
          await login('127.0.0.1', 'quantrac-services', servicePassword, 'quantrac-extra-4'),
          (o) => o === SERVER_UNAVAILABLE,
        )
        expect(outcome).toBe(SERVER_UNAVAILABLE)
        // The same id again replaces its connection rather than adding one.
        expect(await login('127.0.0.1', 'quantrac-services', servicePassword, 'quantrac-extra-3')).toBe(
          'connected',
        )
        for (const client of extra) await client.endAsync(true)
        expect(await refused('too-many-connections')).toBe(1)
        // Closed connections give their places back: a fifth id gets in once the broker has seen them close.
        await waitUntil(
          async () =>
            (await login('127.0.0.1', 'quantrac-services', servicePassword, 'quantrac-extra-5')) ===
            'connected',
          10_000,
          () => 'a fifth service connection was still refused after four closed',
        )
      })
    })

    describe('login throttling', () => {
      it('checks a source address’s first failed logins only, then refuses it unchecked, even with a right password', async () => {
        const outcomes: LoginOutcome[] = []
        for (let i = 0; i < 30; i++) {
          outcomes.push(await login('127.0.0.2', i % 2 === 0 ? `nobody-${i}` : 'sa1', `guess-${i}`))
        }
        const bad = outcomes.filter((o) => o === BAD_CREDENTIALS).length
        const throttled = outcomes.filter((o) => o === SERVER_UNAVAILABLE).length
        expect([bad, throttled]).toEqual([5, 25])
        for (const outcome of outcomes)
          attack(outcome, (o) => o === BAD_CREDENTIALS || o === SERVER_UNAVAILABLE)
        expect(
          attack(await login('127.0.0.2', 'sa1', sensors.sa1!.password), (o) => o === SERVER_UNAVAILABLE),
        ).toBe(SERVER_UNAVAILABLE)
        // Another address is not affected.
        expect(await login('127.0.0.3', 'sa1', sensors.sa1!.password)).toBe('connected')
      })

      it('throttles a user name tried from many addresses, but lets the real sensor in from where it logged in before', async () => {
        // sa2 logged in from 127.0.0.1 above.
        const outcomes: LoginOutcome[] = []
        for (let i = 0; i < 12; i++) outcomes.push(await login(`127.0.1.${i + 1}`, 'sa2', `guess-${i}`))
        expect(outcomes.filter((o) => o === BAD_CREDENTIALS)).toHaveLength(3)
        expect(outcomes.filter((o) => o === SERVER_UNAVAILABLE)).toHaveLength(9)
        for (const outcome of outcomes)
          attack(outcome, (o) => o === BAD_CREDENTIALS || o === SERVER_UNAVAILABLE)
        expect(
          attack(await login('127.0.1.99', 'sa2', sensors.sa2!.password), (o) => o === SERVER_UNAVAILABLE),
        ).toBe(SERVER_UNAVAILABLE)
        expect(await login('127.0.0.1', 'sa2', sensors.sa2!.password)).toBe('connected')
      })

      it('counts every failed and throttled login in /metrics', async () => {
        expect(await refused('bad-credentials')).toBe(8)
        expect(await refused('throttled')).toBe(36)
      })
    })

    describe('protocol versions', () => {
      it('refuses an MQTT 5 client with a log line and a count, and says what to do', async () => {
        const before = await refused('protocol-version')
        const published = attack(
          await run(mosquittoPub!, [
            ...['-h', '127.0.0.1', '-p', String(ports.mqtt), '-V', 'mqttv5', '-q', '1'],
            ...[
              '-i',
              'sa1',
              '-u',
              'sa1',
              '-P',
              sensors.sa1!.password,
              '-t',
              sensors.sa1!.topic,
              '-m',
              noise(1, Date.now()),
            ],
          ]).then(
            () => true,
            () => false,
          ),
          (ok) => !ok,
        )
        expect(published).toBe(false)
        expect(await refused('protocol-version')).toBe(before + 1)
        const log = readFileSync(logs[0]!, 'utf8')
        expect(log).toMatch(/"reason":"protocol-version".*"protocolVersion":5.*external broker/)
      })

      it('refuses an MQTT 3.1 client id longer than 3.1 allows, counted as a client id refusal', async () => {
        const before = await refused('client-id')
        const long = 'a-sensor-id-of-thirty-characters'
        const published = attack(
          await run(mosquittoPub!, [
            ...['-h', '127.0.0.1', '-p', String(ports.mqtt), '-V', 'mqttv31', '-q', '1', '-i', long],
            ...[
              '-u',
              'sa1',
              '-P',
              sensors.sa1!.password,
              '-t',
              sensors.sa1!.topic,
              '-m',
              noise(1, Date.now()),
            ],
          ]).then(
            () => true,
            () => false,
          ),
          (ok) => !ok,
        )
        expect(published).toBe(false)
        expect(await refused('client-id')).toBe(before + 1)
      })
    })

    describe('MQTT over TLS', () => {
      it('stores a reading mosquitto_pub sends over TLS, checking the broker’s certificate', async () => {
        const time = Date.now() - 2 * 60_000
        await run(mosquittoPub!, [
          ...['-h', '127.0.0.1', '-p', String(ports.tls), '--cafile', certificates.ca, '-q', '1'],
          ...['-i', 'tls-1', '-u', 'tls-1', '-P', sensors['tls-1']!.password],
          ...['-t', sensors['tls-1']!.topic, '-m', noise(81, time)],
        ])
        await waitUntil(
          async () => storedTimes('tls-1').has(time),
          15_000,
          () => 'the TLS reading was not stored',
        )
      })

      it('lets mqtt.js in with the CA, and refuses a client that does not trust the certificate or speaks plain MQTT', async () => {
        const credentials = {
          username: 'tls-1',
          password: sensors['tls-1']!.password,
          clientId: 'tls-1',
          reconnectPeriod: 0,
        }
        const trusted = await connectAsync(`mqtts://127.0.0.1:${ports.tls}`, {
          ...credentials,
          ca: readFileSync(certificates.ca),
        })
        await trusted.publishAsync(sensors['tls-1']!.topic, noise(80, Date.now() - 60_000), { qos: 1 })
        await trusted.endAsync()
        const untrusting = await connectAsync(`mqtts://127.0.0.1:${ports.tls}`, {
          ...credentials,
          connectTimeout: 5000,
        }).then(
          async (client) => {
            await client.endAsync()
            return 'connected'
          },
          (err: Error) => err.message,
        )
        expect(untrusting).toMatch(/self.signed|unable to verify|certificate/i)
        const plain = await loginOutcome(ports.tls, '127.0.0.1', credentials)
        expect(attack(plain, (outcome) => outcome === 'closed')).toBe('closed')
      })
      it('connects a quantrac part over TLS when NODE_EXTRA_CA_CERTS names the CA', async () => {
        const simulate = (extra: NodeJS.ProcessEnv) =>
          run(
            process.execPath,
            [
              ...['bin/quantrac.ts', 'simulate', '--facilities', '1', '--sensors', '1', '--duration', '1'],
              ...['--mqtt-url', `mqtts://127.0.0.1:${ports.tls}`],
            ],
            { env: { ...process.env, ...env, ...extra } },
          ).then(
            () => 0,
            (err: { code: number }) => err.code,
          )
        expect(await simulate({ NODE_EXTRA_CA_CERTS: certificates.ca })).toBe(0)
        expect(await simulate({})).not.toBe(0)
      })
    })

    describe('rate limit', () => {
      it('slows a sensor far over its limit down, and stores every reading it was acknowledged', async () => {
        const pacedBefore = sample(await brokerMetrics(), 'quantrac_broker_paced_total')
        const client = await connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
          username: 'flooder',
          password: sensors.flooder!.password,
          clientId: 'flooder',
          reconnectPeriod: 0,
        })
        const base = Date.now() - 20 * 60_000
        const acknowledged: number[] = []
        // 400 at once against 50 a second with bursts of 20.
        await Promise.all(
          Array.from({ length: 400 }, (_, i) =>
            client
              .publishAsync(sensors.flooder!.topic, noise(72, base + i), { qos: 1 })
              .then(() => acknowledged.push(base + i)),
          ),
        )
        await client.endAsync()
        expect(acknowledged).toHaveLength(400)
        await waitUntil(
          async () => storedTimes('flooder').size === 400,
          20_000,
          () => `stored ${storedTimes('flooder').size} of the flooder's 400 acknowledged readings`,
        )
        expect(
          attack(sample(await brokerMetrics(), 'quantrac_broker_paced_total') - pacedBefore, (n) => n > 0),
        ).toBeGreaterThan(0)
      })
    })

    describe('what the platform leaves behind', () => {
      it('keeps the data directory’s files readable by their owner only', () => {
        const mode = (path: string) => statSync(join(dataDir, path)).mode & 0o777
        expect(mode('.')).toBe(0o700)
        expect(mode('spool')).toBe(0o700)
        for (const file of [
          'registry.sqlite',
          'registry.sqlite-wal',
          'timeseries.sqlite',
          'spool/quantrac-ingest.sqlite',
        ]) {
          expect([file, mode(file)]).toEqual([file, 0o600])
        }
      })

      it('never logs a password, even at debug level while a client sends a CONNECT twice', async () => {
        // A second CONNECT on a connection is a protocol violation [MQTT-3.1.0-2]: aedes reports it with the packet.
        const socket = connectTcp(ports.mqtt, '127.0.0.1')
        await new Promise((resolve) => socket.once('connect', resolve))
        const answered = new Promise((resolve) => socket.once('data', resolve))
        socket.write(connectPacket('sa1', 'sa1', sensors.sa1!.password))
        await answered
        const closed = new Promise((resolve) => socket.once('close', resolve))
        socket.write(connectPacket('sa1', 'sa1', sensors.sa1!.password))
        await closed
        await waitUntil(
          async () => readFileSync(logs[0]!, 'utf8').includes('Invalid protocol'),
          10_000,
          () => 'the protocol violation was not logged',
        )
        const text = logs.map((file) => readFileSync(file, 'utf8')).join('\n')
        expect(text).toContain('"MQTT client error"')
        expect(text).toContain('[redacted]')
        for (const password of passwordsUsed) {
          const bytes = [...Buffer.from(password)].join(',')
          expect(attack(text.includes(password) || text.includes(bytes), (leaked) => !leaked)).toBe(false)
        }
      })

      it('stored every reading the canary was acknowledged, and the canary was never disconnected', async () => {
        clearInterval(canaryTimer)
        await new Promise((resolve) => setTimeout(resolve, 500))
        expect(canary.acknowledged.length).toBeGreaterThan(100)
        await waitUntil(
          async () => {
            const stored = storedTimes('canary')
            return canary.acknowledged.every((time) => stored.has(time))
          },
          20_000,
          () =>
            `stored ${storedTimes('canary').size} of ${canary.acknowledged.length} acknowledged canary readings`,
        )
        expect(canary.closes).toBe(0)
        console.info(
          `canary: ${canary.acknowledged.length} readings acknowledged, all stored, never disconnected`,
        )
      })
    })
  },
)

describe.skipIf(missing.length > 0)(
  `MQTT security: the embedded broker alone, with anonymous clients allowed${missing.length ? ' (skipped)' : ''}`,
  () => {
    let dir: string
    let broker: ChildProcess
    let port: number
    let metricsPort: number
    const url = () => `mqtt://127.0.0.1:${port}`

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'quantrac-mqtt-anonymous-'))
      ;[port, metricsPort] = [await freePort(), await freePort()]
      broker = startPart(
        'broker',
        {
          QUANTRAC_DATA_DIR: dir,
          QUANTRAC_MQTT_PORT: String(port),
          QUANTRAC_METRICS_PORT: String(metricsPort),
          QUANTRAC_MQTT_ALLOW_ANONYMOUS: 'true',
          QUANTRAC_MQTT_USERNAME: 'quantrac-services',
          QUANTRAC_MQTT_PASSWORD: 'a-long-service-password',
          QUANTRAC_MQTT_MAX_CONNECTIONS_PER_USER: '3',
        },
        join(dir, 'broker.log'),
      )
      await waitUntil(
        async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok,
        20_000,
        () => readFileSync(join(dir, 'broker.log'), 'utf8'),
      )
    })

    afterAll(async () => {
      if (broker) await stopProcess(broker)
      await rm(dir, { recursive: true, force: true })
    })

    /** Whether an anonymous sensor's QoS 1 publish is acknowledged (refused ones close the connection). */
    async function acknowledged(): Promise<boolean> {
      const sensor = await connectAsync(url(), { reconnectPeriod: 0 })
      const closed = new Promise<false>((resolve) => sensor.once('close', () => resolve(false)))
      const outcome = await Promise.race([
        sensor
          .publishAsync(readingsTopic('fac-1', 's-1'), noise(60, Date.now()), { qos: 1 })
          .then(() => true),
        closed,
      ])
      await sensor.endAsync(true)
      return outcome
    }

    it('keeps the ingest gate shut for an anonymous mosquitto_sub on #, and grants it nothing', async () => {
      const denied = await run(mosquittoSub!, [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-t',
        '#',
        '-C',
        '1',
        '-W',
        '3',
      ]).then(
        ({ stdout, stderr }) => stdout + stderr,
        (err: { stdout: string; stderr: string }) => err.stdout + err.stderr,
      )
      expect(attack(denied, (text) => /denied/i.test(text))).toMatch(/denied/i)
      expect(attack(await acknowledged(), (ok) => !ok)).toBe(false)
    })

    it('refuses anonymous clients the services’ client ids and wills outside the readings', async () => {
      const ids = await loginOutcome(port, '127.0.0.1', { clientId: 'quantrac-ingest' })
      expect(attack(ids, (o) => o === IDENTIFIER_REJECTED)).toBe(IDENTIFIER_REJECTED)
      const will = await loginOutcome(port, '127.0.0.1', {
        clientId: 'anon-will',
        will: { topic: 'quantrac/v1/live/fac-1/alerts', payload: Buffer.from('{}'), qos: 0, retain: false },
      })
      expect(attack(will, (o) => o === NOT_AUTHORISED)).toBe(NOT_AUTHORISED)
    })

    it('caps anonymous connections together', async () => {
      const held: MqttClient[] = []
      for (let i = 0; i < 3; i++)
        held.push(await connectAsync(url(), { clientId: `anon-${i}`, reconnectPeriod: 0 }))
      const outcome = await loginOutcome(port, '127.0.0.1', { clientId: 'anon-3' })
      expect(attack(outcome, (o) => o === SERVER_UNAVAILABLE)).toBe(SERVER_UNAVAILABLE)
      for (const client of held) await client.endAsync()
    })

    it('opens the gate when the services subscribe to the readings', async () => {
      const ingest = await connectAsync(url(), {
        username: 'quantrac-services',
        password: 'a-long-service-password',
        clientId: 'quantrac-ingest',
        clean: false,
      })
      await ingest.subscribeAsync('quantrac/v1/readings/+/+', { qos: 1 })
      expect(await acknowledged()).toBe(true)
      await ingest.endAsync()
    })
  },
)

describe.skipIf(mosquittoPath === null)(
  `MQTT security: ingest over an external Mosquitto${mosquittoPath === null ? ' (skipped: mosquitto not installed)' : ''}`,
  () => {
    it('keeps every reading Mosquitto acknowledged from a sensor over its rate, and counts them', async () => {
      const mosquitto = await startMosquitto(mosquittoPath!)
      const platform = await startPlatform({
        mqttUrl: mosquitto.url,
        ingest: { sensorRateLimit: { ratePerSecond: 20, burst: 100 } },
      })
      try {
        await platform.registerSensor('fac-m', 'gateway-1', ['noise'])
        const sensor = await platform.connectSensor()
        const base = Date.now() - 20 * 60_000
        // A gateway catching up after an outage: 500 readings at once.
        await Promise.all(
          Array.from({ length: 500 }, (_, i) =>
            sensor.publishAsync(readingsTopic('fac-m', 'gateway-1'), noise(70, base + i), { qos: 1 }),
          ),
        )
        await sensor.endAsync()
        const stored = async () => {
          const { body } = await platform.call(
            'GET',
            `/api/v1/sensors/gateway-1/readings?factor=noise&from=${base - 1000}&to=${base + 60_000}&interval=1h`,
          )
          return body.points.reduce((sum: number, point: { count: number }) => sum + point.count, 0)
        }
        let count = 0
        await waitUntil(
          async () => {
            count = await stored()
            return count === 500
          },
          20_000,
          () => `stored ${count} of 500`,
        )
        expect(attack(platform.ingest.stats().overRate, (n) => n > 0)).toBeGreaterThan(0)
      } finally {
        await platform.stop()
        await mosquitto.stop()
      }
    })
  },
)
