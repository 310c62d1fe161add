import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { promisify } from 'node:util'
import { connectAsync } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpCaller } from '../support/http.ts'
import { freePort } from '../support/ports.ts'
import { startProcess, stopProcess, waitUntil } from '../support/processes.ts'

const run = promisify(execFile)
const CLI = ['bin/quantrac.ts']

/**
 * The parts as separate processes, as docker-compose runs them: `quantrac broker`, `ingest` and `api` sharing
 * a data directory and the services' credentials, administered from a fresh install with `quantrac admin`.
 */
describe('broker, ingest and API as separate processes', () => {
  let dataDir: string
  let env: NodeJS.ProcessEnv
  let apiUrl: string
  let mqttUrl: string
  const parts: ReturnType<typeof startProcess>[] = []
  let token = ''
  const call = httpCaller(
    () => apiUrl,
    () => token,
  )

  /** (Re)starts `quantrac ingest` in place of parts[1], and waits until it takes readings. */
  async function startIngestProcess() {
    const ingest = startProcess(process.execPath, [...CLI, 'ingest'], env)
    parts[1] = ingest
    await waitUntil(
      async () => ingest.output().includes('ingest taking readings'),
      20_000,
      () => `ingest did not start: ${ingest.output()}`,
    )
  }

  async function cli(...args: string[]) {
    return run(process.execPath, [...CLI, ...args], { env: { ...process.env, ...env } })
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-parts-'))
    const [httpPort, mqttPort] = [await freePort(), await freePort()]
    apiUrl = `http://127.0.0.1:${httpPort}`
    mqttUrl = `mqtt://127.0.0.1:${mqttPort}`
    env = {
      QUANTRAC_DATA_DIR: dataDir,
      QUANTRAC_HTTP_PORT: String(httpPort),
      QUANTRAC_MQTT_PORT: String(mqttPort),
      QUANTRAC_MQTT_URL: mqttUrl,
      QUANTRAC_MQTT_USERNAME: 'services',
      QUANTRAC_MQTT_PASSWORD: 'a-long-service-password',
      QUANTRAC_FLUSH_INTERVAL_MS: '100',
    }
    for (const part of ['broker', 'ingest', 'api']) {
      const started = startProcess(process.execPath, [...CLI, part], env)
      parts.push(started)
      if (part === 'broker') {
        await waitUntil(
          () =>
            connectAsync(mqttUrl, {
              username: 'services',
              password: 'a-long-service-password',
              reconnectPeriod: 0,
            }).then((c) => c.endAsync().then(() => true)),
          20_000,
          () => `broker did not start: ${started.output()}`,
        )
      }
    }
    await waitUntil(
      async () => (await fetch(`${apiUrl}/health`)).ok,
      20_000,
      () => `API: ${parts[2]!.output()}`,
    )
  })

  afterAll(async () => {
    for (const part of parts.reverse()) await stopProcess(part.child)
    await rm(dataDir, { recursive: true, force: true })
  })

  it('lets an administrator bootstrap a key from the command line and onboard a sensor whose readings arrive', async () => {
    const { stdout } = await cli('admin', 'create-key', '--role', 'admin', '--name', 'first admin')
    token = stdout.trim()
    expect(token).toMatch(/^qk_[\w-]+_[\w-]{43}$/)
    expect(
      (await call('POST', '/api/v1/facilities', { id: 'f1', name: 'F1', province: 'Huế', sector: 'garment' }))
        .status,
    ).toBe(201)
    const sensor = await call('POST', '/api/v1/sensors', {
      id: 's1',
      facilityId: 'f1',
      model: 'meter',
      factors: ['noise'],
    })
    expect(sensor.status).toBe(201)
    const { username, password, topic } = sensor.body.credentials
    const client = await connectAsync(mqttUrl, { username, password, clientId: username, reconnectPeriod: 0 })
    await client.publishAsync(topic, JSON.stringify({ factor: 'noise', value: 88.8, unit: 'dBA' }), {
      qos: 1,
    })
    await client.endAsync()
    await waitUntil(
      async () => (await call('GET', '/api/v1/readings/latest?sensor=s1')).body.items[0]?.value === 88.8,
      15_000,
      () => `reading not served: ${parts.map((p) => p.output()).join('\n')}`,
    )
    const { stdout: keys } = await cli('admin', 'list-keys')
    expect(keys).toContain('first admin')
    // The command line has no key: the audit trail names the system user who ran it.
    const [created] = (await call('GET', '/api/v1/audit?action=key.create')).body.items
    expect(created).toMatchObject({ actor: { role: 'admin' }, after: { name: 'first admin', role: 'admin' } })
    expect(created.actor.name).toMatch(/^command line \(.+@.+\)$/)
    expect(created.actor.keyId).toBeUndefined()
  })

  it('keeps an acknowledgement made while the ingest process is down, through an escalation once it is back', async () => {
    // NIOSH gives CO a ceiling (alarm) and an IDLH (critical).
    const facility = { id: 'f2', name: 'Lò gạch', province: 'Huế', sector: 'bricks', profile: 'niosh' }
    expect((await call('POST', '/api/v1/facilities', facility)).status).toBe(201)
    const sensor = await call('POST', '/api/v1/sensors', {
      id: 'co-2',
      facilityId: 'f2',
      model: 'CO',
      factors: ['gas.co'],
    })
    // Ingest reads facilities' profiles at start and every 30 s: a restart reads the new one now.
    await stopProcess(parts[1]!.child)
    await startIngestProcess()
    const { username, password, topic } = sensor.body.credentials
    const detector = await connectAsync(mqttUrl, {
      username,
      password,
      clientId: username,
      reconnectPeriod: 0,
    })
    const send = (value: number) =>
      detector.publishAsync(topic, JSON.stringify({ factor: 'gas.co', value, unit: 'ppm' }), { qos: 1 })
    const ceiling = async () => (await call('GET', '/api/v1/alerts?facility=f2&kind=ceiling')).body.items[0]
    try {
      await send(300)
      await waitUntil(
        async () => (await ceiling()) !== undefined,
        15_000,
        () => `no alarm: ${parts[1]!.output()}`,
      )
      const { id } = await ceiling()

      await stopProcess(parts[1]!.child)
      const acknowledged = await call('POST', `/api/v1/alerts/${id}/acknowledge`, { note: 'đã thông gió' })
      expect(acknowledged.status).toBe(200)
      expect(acknowledged.body).toMatchObject({
        state: 'acknowledged',
        acknowledgements: [{ by: { name: 'first admin' } }],
      })

      await startIngestProcess()
      await send(1500)
      await waitUntil(
        async () => (await ceiling()).level === 'critical',
        15_000,
        () => `not escalated: ${parts[1]!.output()}`,
      )
      expect(await ceiling()).toMatchObject({ level: 'critical', state: 'acknowledged' })
      // The new ingest process copied the acknowledgement the API made to the store, with the rest.
      const events = async () => {
        const db = new DatabaseSync(join(dataDir, 'timeseries.sqlite'), { readOnly: true })
        try {
          return (
            db.prepare('SELECT event FROM alert_event WHERE id = ? ORDER BY time, rowid').all(id) as {
              event: string
            }[]
          ).map((e) => e.event)
        } finally {
          db.close()
        }
      }
      let stored: string[] = []
      await waitUntil(
        async () => {
          stored = await events()
          return stored.length === 4
        },
        15_000,
        () => `the store holds ${stored}`,
      )
      expect(stored).toEqual(['opened', 'acknowledged', 'escalated', 'notified'])
    } finally {
      await detector.endAsync()
    }
  })

  it('says in one line, without a stack trace, when a port is taken or a setting is wrong', async () => {
    const taken = await cli('broker').then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    )
    expect(taken?.code).toBe(1)
    expect(taken?.stderr.trim()).toMatch(/^quantrac: MQTT port \d+ on 127\.0\.0\.1 is already in use/)
    expect(taken?.stderr.trim().split('\n')).toHaveLength(1)
    const bad = await run(process.execPath, [...CLI, 'api'], {
      env: { ...process.env, ...env, QUANTRAC_HTTP_PORT: 'eighty' },
    }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    )
    expect(bad?.code).toBe(1)
    expect(bad?.stderr).toContain('QUANTRAC_HTTP_PORT')
    expect(bad?.stderr).not.toContain('    at ')
  })
})
