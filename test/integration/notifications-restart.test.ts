import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { connectAsync } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpCaller } from '../support/http.ts'
import { freePort } from '../support/ports.ts'
import { startProcess, stopProcess, waitUntil } from '../support/processes.ts'
import { startMailServer } from '../support/receivers.ts'

const run = promisify(execFile)
const CLI = ['bin/quantrac.ts']
const TIER_DELAY_MINUTES = 0.25

/**
 * `quantrac start` killed (SIGKILL, as a power cut) between the first tier of an escalation and the second,
 * and started again on the same data directory: the supervisor is still told, after the tier's delay.
 */
describe('an escalation across a crash of the platform', () => {
  let dataDir: string
  let env: NodeJS.ProcessEnv
  let apiUrl: string
  let mqttUrl: string
  let platform: ReturnType<typeof startProcess> | undefined
  let mail: Awaited<ReturnType<typeof startMailServer>>
  let token = ''

  const call = httpCaller(
    () => apiUrl,
    () => token,
  )

  async function startQuantrac() {
    const started = startProcess(process.execPath, [...CLI, 'start'], env)
    platform = started
    await waitUntil(
      async () => (await fetch(`${apiUrl}/health`)).ok,
      30_000,
      () => `quantrac start did not come up: ${started.output()}`,
    )
  }

  async function crash() {
    const child = platform!.child
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGKILL')
    await exited
  }

  beforeAll(async () => {
    mail = await startMailServer()
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-notify-restart-'))
    const [httpPort, mqttPort] = [await freePort(), await freePort()]
    apiUrl = `http://127.0.0.1:${httpPort}`
    mqttUrl = `mqtt://127.0.0.1:${mqttPort}`
    env = {
      QUANTRAC_DATA_DIR: dataDir,
      QUANTRAC_HTTP_PORT: String(httpPort),
      QUANTRAC_MQTT_PORT: String(mqttPort),
      QUANTRAC_DEMO: 'false',
      QUANTRAC_FLUSH_INTERVAL_MS: '100',
      QUANTRAC_SMTP_URL: mail.url,
      QUANTRAC_NOTIFY_INTERVAL_MS: '200',
      QUANTRAC_LOG_LEVEL: 'warn',
    }
    await startQuantrac()
    token = (
      await run(process.execPath, [...CLI, 'admin', 'create-key', '--role', 'admin', '--name', 'admin'], {
        env: { ...process.env, ...env },
      })
    ).stdout.trim()
  })

  afterAll(async () => {
    if (platform !== undefined) await stopProcess(platform.child)
    await mail?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('tells the next tier after its delay, though the platform crashed after the first', async () => {
    const facility = {
      id: 'plant-r',
      name: 'Nhà máy R',
      province: 'Huế',
      sector: 'chemicals',
      profile: 'niosh',
    }
    expect((await call('POST', '/api/v1/facilities', facility)).status).toBe(201)
    const sensor = await call('POST', '/api/v1/sensors', {
      id: 'co-r1',
      facilityId: 'plant-r',
      model: 'm',
      factors: ['gas.co'],
    })
    expect(sensor.status).toBe(201)
    for (const [id, to] of [
      ['duty', 'duty@plant.vn'],
      ['boss', 'boss@plant.vn'],
    ] as const) {
      const channel = await call('POST', '/api/v1/facilities/plant-r/notification-channels', {
        kind: 'email',
        id,
        name: id,
        to: [to],
        levels: ['alarm', 'critical'],
      })
      expect(channel.status).toBe(201)
    }
    const policy = await call('PUT', '/api/v1/facilities/plant-r/escalation', {
      tiers: [
        { delayMinutes: 0, channelIds: ['duty'] },
        { delayMinutes: TIER_DELAY_MINUTES, channelIds: ['boss'] },
      ],
    })
    expect(policy.status).toBe(200)
    // Ingest reads a new facility's limit profile at its start (or within 30 s): a clean restart reads it now.
    await stopProcess(platform!.child)
    await startQuantrac()

    const { username, password, topic } = sensor.body.credentials
    const detector = await connectAsync(mqttUrl, {
      username,
      password,
      clientId: username,
      reconnectPeriod: 0,
    })
    await detector.publishAsync(topic, JSON.stringify({ factor: 'gas.co', value: 300, unit: 'ppm' }), {
      qos: 1,
    })
    await detector.endAsync()
    await waitUntil(
      async () => mail.received.some((m) => m.to === 'duty@plant.vn'),
      30_000,
      () => `no mail to the duty officer: ${platform!.output()}`,
    )
    expect(mail.received.some((m) => m.to === 'boss@plant.vn')).toBe(false)

    await crash()
    await startQuantrac()
    await waitUntil(
      async () => mail.received.some((m) => m.to === 'boss@plant.vn'),
      60_000,
      () => `the escalation did not go on after the restart: ${platform!.output()}`,
    )
    const [alert] = (await call('GET', '/api/v1/alerts?facility=plant-r')).body.items
    const history = (await call('GET', `/api/v1/alerts/${alert.id}/notifications`)).body.items
    const boss = history.find((n: { channelId: string }) => n.channelId === 'boss')
    expect(boss).toMatchObject({ tier: 1, state: 'sent' })
    expect(Date.parse(boss.sentAt)).toBeGreaterThanOrEqual(
      Date.parse(alert.openedAt) + TIER_DELAY_MINUTES * 60_000,
    )
    expect(mail.received.filter((m) => m.to === 'boss@plant.vn')).toHaveLength(1)
  })
})
