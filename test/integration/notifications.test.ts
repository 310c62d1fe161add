import { createHmac } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Platform, type SensorCredentials, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'
import { type ReceivedMail, startMailServer, startWebhookReceiver } from '../support/receivers.ts'

const SECRET = 'webhook-secret-for-the-test'
const WAIT_MS = 30_000

/**
 * Notifications with real parts: readings over MQTT raise the alarm, a real SMTP server and a real HTTP
 * receiver take what the notifier sends, a person acknowledges from the link in the e-mail.
 */
describe('alerts reach people by e-mail and webhook, and are acknowledged from the message', () => {
  let platform: Platform
  let mail: Awaited<ReturnType<typeof startMailServer>>
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>
  const sensors: MqttClient[] = []

  beforeAll(async () => {
    mail = await startMailServer()
    hooks = await startWebhookReceiver()
    platform = await startPlatform({
      notify: { smtpUrl: mail.url, intervalMs: 100, retryBaseMs: 300, retryMaxMs: 1500 },
    })
  })
  afterAll(async () => {
    for (const sensor of sensors) await sensor.endAsync()
    await platform?.stop()
    await mail?.stop().catch(() => undefined)
    await hooks?.close()
  })

  async function sensorAt(facilityId: string, sensorId: string) {
    // NIOSH gives CO a ceiling (200 ppm, alarm) and an IDLH (1,200 ppm, critical).
    const credentials: SensorCredentials = await platform.registerSensor(
      facilityId,
      sensorId,
      ['gas.co'],
      'niosh',
    )
    // Ingest reads facilities' profiles every 30 s (ingest/facility-rules.ts): a restart reads this one now.
    await platform.restartIngest()
    const client = await platform.connectSensor(credentials)
    sensors.push(client)
    return (value: number) =>
      client.publishAsync(credentials.topic, JSON.stringify({ factor: 'gas.co', value, unit: 'ppm' }), {
        qos: 1,
      })
  }

  async function addChannel(facilityId: string, channel: Record<string, unknown>) {
    const answer = await platform.call(
      'POST',
      `/api/v1/facilities/${facilityId}/notification-channels`,
      channel,
    )
    expect(answer.status, JSON.stringify(answer.body)).toBe(201)
  }

  async function openAlertOf(sensorId: string) {
    let alert: any
    await waitUntil(
      async () => {
        const page = (await platform.call('GET', `/api/v1/alerts?sensor=${sensorId}&state=active`)).body
        alert = page.items[0]
        return alert !== undefined
      },
      WAIT_MS,
      () => `no alert for ${sensorId}`,
    )
    return alert
  }

  async function mailTo(to: string, matching: (mail: ReceivedMail) => boolean = () => true) {
    let found: ReceivedMail | undefined
    await waitUntil(
      async () => {
        found = mail.received.find((m) => m.to === to && matching(m))
        return found !== undefined
      },
      WAIT_MS,
      () => `no mail to ${to}; received: ${JSON.stringify(mail.received.map((m) => [m.to, m.subject]))}`,
    )
    return found!
  }

  const notificationsOf = async (alertId: string) =>
    (await platform.call('GET', `/api/v1/alerts/${alertId}/notifications`)).body.items as any[]

  it('e-mails the alarm in Vietnamese with value, limit, place and a single-use ack link; the webhook is signed', async () => {
    const publish = await sensorAt('plant-n', 'co-n1')
    await addChannel('plant-n', {
      kind: 'email',
      id: 'duty',
      name: 'Ca trực',
      to: ['truc-ca@plant.vn'],
      levels: ['alarm', 'critical'],
    })
    await addChannel('plant-n', {
      kind: 'webhook',
      id: 'ops',
      name: 'Ops hook',
      url: `${hooks.url}/quantrac`,
      secret: SECRET,
      levels: ['alarm', 'critical'],
      language: 'en',
    })
    await publish(300)
    const alert = await openAlertOf('co-n1')
    expect(alert.level).toBe('alarm')

    const message = await mailTo('truc-ca@plant.vn')
    expect(message.subject).toMatch(/Báo động/)
    expect(message.text).toContain('Ở đâu: Facility plant-n')
    expect(message.text).toContain('cảm biến co-n1')
    // The mail says it in the channel's language, as the API's `texts` do (core/messages).
    expect(message.text).toContain(alert.texts.vi.message)
    expect(message.text).toContain(`300 ppm so với giới hạn ${alert.limit} ppm (${alert.texts.vi.source})`)
    expect(message.text).toContain('giờ Việt Nam')
    expect(message.text).toContain(`${platform.apiUrl}/?alert=${alert.id}`)
    const ackUrl = /(http:\/\/\S+\/ack\/[A-Za-z0-9_-]{43})/.exec(message.text)?.[1]
    expect(ackUrl, message.text).toBeDefined()

    await waitUntil(
      async () => hooks.received.length > 0,
      WAIT_MS,
      () => 'no webhook',
    )
    const hook = hooks.received[0]!
    const expected = `sha256=${createHmac('sha256', SECRET).update(hook.body).digest('hex')}`
    expect(hook.headers['x-quantrac-signature']).toBe(expected)
    expect(hook.headers['x-quantrac-idempotency-key']).toMatch(new RegExp(`^${alert.id}:opened\\.\\d+:ops:`))
    const payload = JSON.parse(hook.body)
    expect(payload.event).toBe('alert.opened')
    const { acknowledgements, ...shown } = alert
    expect(payload.alert).toMatchObject({ ...shown, updatedAt: expect.any(String) })
    expect(payload.links.ackUrl).toMatch(/\/ack\//)

    // The link opens a page (a mail scanner following it acknowledges nothing) …
    const page = await fetch(ackUrl!)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Xác nhận cảnh báo')
    expect(html).toContain('Acknowledge the alert')
    // The alert in each language on the one page, its source too (core/messages).
    expect(html).toContain('Cacbon monoxit (CO) 300 ppm vượt')
    expect(html).toContain('Carbon monoxide (CO) 300 ppm is above')
    expect(html).toContain('(NIOSH REL, cacbon monoxit, C)')
    expect((await platform.call('GET', `/api/v1/alerts/${alert.id}`)).body.state).toBe('open')
    // … and the form acknowledges, in the name of the contact the message went to.
    const acknowledged = await fetch(ackUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ note: 'đang xử lý' }).toString(),
    })
    expect(acknowledged.status).toBe(200)
    expect(await acknowledged.text()).toContain('Đã xác nhận')
    const after = (await platform.call('GET', `/api/v1/alerts/${alert.id}`)).body
    expect(after).toMatchObject({
      state: 'acknowledged',
      acknowledgements: [{ by: { name: 'truc-ca@plant.vn (ack link)' }, note: 'đang xử lý', level: 'alarm' }],
    })
    const audit = (await platform.call('GET', '/api/v1/audit?action=alert.acknowledge')).body.items
    expect(audit[0]).toMatchObject({
      target: { id: alert.id },
      actor: { name: 'truc-ca@plant.vn (ack link)' },
    })

    // Single use: the same link again, a forged one, both refused with a page that says so.
    const again = await fetch(ackUrl!, { method: 'POST' })
    expect(again.status).toBe(410)
    expect(await again.text()).toContain('Liên kết đã được dùng')
    const forged = await fetch(`${platform.apiUrl}/ack/${'A'.repeat(43)}`)
    expect(forged.status).toBe(404)

    // Those already notified hear who took it.
    const told = await mailTo('truc-ca@plant.vn', (m) => m.subject.includes('Đã có người nhận xử lý'))
    expect(told.text).toContain('Người nhận xử lý: truc-ca@plant.vn (ack link)')
    await waitUntil(
      async () => hooks.received.some((h) => JSON.parse(h.body).event === 'alert.acknowledged'),
      WAIT_MS,
      () => 'no acknowledged webhook',
    )
    const history = await notificationsOf(alert.id)
    expect(history.map((n) => [n.channelId, n.event, n.state])).toEqual(
      expect.arrayContaining([
        ['duty', 'alert.opened', 'sent'],
        ['ops', 'alert.opened', 'sent'],
        ['duty', 'alert.acknowledged', 'sent'],
      ]),
    )
    expect(history[0].attemptLog).toEqual([{ attempt: 1, at: expect.any(String), outcome: 'sent' }])
  })

  it('delivers exactly once what an SMTP and a webhook outage delayed', async () => {
    const publish = await sensorAt('plant-c', 'co-c1')
    await addChannel('plant-c', {
      kind: 'email',
      id: 'duty',
      name: 'Ca trực',
      to: ['chaos@plant.vn'],
      levels: ['alarm', 'critical'],
    })
    await addChannel('plant-c', {
      kind: 'webhook',
      id: 'ops',
      name: 'Ops hook',
      url: `${hooks.url}/chaos`,
      secret: SECRET,
      levels: ['alarm', 'critical'],
    })
    await mail.stop()
    hooks.failNext(2)
    await publish(300)
    const alert = await openAlertOf('co-c1')
    await waitUntil(
      async () => {
        const failures = (await notificationsOf(alert.id)).filter(
          (n) => n.channelId === 'duty' && n.attempts >= 2,
        )
        return failures.length > 0
      },
      WAIT_MS,
      () => 'the e-mail was not retried',
    )
    const retrying = (await notificationsOf(alert.id)).find((n) => n.channelId === 'duty')
    expect(retrying).toMatchObject({
      state: 'retrying',
      lastError: expect.stringMatching(/ECONNREFUSED|connect/i),
    })
    await mail.start()
    const delivered = await mailTo('chaos@plant.vn')
    await waitUntil(
      async () => hooks.received.some((h) => h.path === '/chaos'),
      WAIT_MS,
      () => 'the webhook was not delivered',
    )
    // A few more rounds of the dispatcher: nothing goes twice.
    await waitUntil(
      async () => (await notificationsOf(alert.id)).every((n) => n.state === 'sent'),
      WAIT_MS,
      () => 'not all sent',
    )
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(mail.received.filter((m) => m.idempotencyKey === delivered.idempotencyKey)).toHaveLength(1)
    expect(hooks.received.filter((h) => h.path === '/chaos')).toHaveLength(1)
    expect(hooks.refused).toBeGreaterThanOrEqual(2)
    const webhookRow = (await notificationsOf(alert.id)).find((n) => n.channelId === 'ops')
    expect(webhookRow.attemptLog.map((a: any) => a.outcome)).toEqual(['failed', 'failed', 'sent'])
    expect(webhookRow.attemptLog[0].error).toMatch(/HTTP 503/)
  })

  it('escalates to the next tier after its delay while nobody acknowledges, across a restart, until someone does', async () => {
    const publish = await sensorAt('plant-e', 'co-e1')
    await addChannel('plant-e', {
      kind: 'email',
      id: 'duty',
      name: 'Ca trực',
      to: ['duty@plant.vn'],
      levels: ['alarm', 'critical'],
    })
    await addChannel('plant-e', {
      kind: 'email',
      id: 'boss',
      name: 'Quản đốc',
      to: ['boss@plant.vn'],
      levels: ['alarm', 'critical'],
      language: 'en',
    })
    const policy = await platform.call('PUT', '/api/v1/facilities/plant-e/escalation', {
      tiers: [
        { delayMinutes: 0, channelIds: ['duty'] },
        { delayMinutes: 0.15, channelIds: ['boss'] },
      ],
      repeatMinutes: 0.1,
    })
    expect(policy.status).toBe(200)
    await publish(300)
    const alert = await openAlertOf('co-e1')
    await mailTo('duty@plant.vn')
    expect(mail.received.some((m) => m.to === 'boss@plant.vn')).toBe(false)

    // The platform's notifier stops and starts again before the supervisor's turn: the outbox holds it.
    await platform.restartNotifier()
    const boss = await mailTo('boss@plant.vn')
    expect(boss.subject).toMatch(/New alert · Alarm/)
    const history = await notificationsOf(alert.id)
    const bossRow = history.find((n) => n.channelId === 'boss' && n.round === 0)
    expect(bossRow).toMatchObject({ tier: 1, state: 'sent' })
    // Not before its delay (9 s after the alert opened), whatever the machine's speed.
    expect(Date.parse(bossRow.sentAt)).toBeGreaterThanOrEqual(Date.parse(alert.openedAt) + 9000)

    // Someone acknowledges: the repeats stop, and those told hear who took it.
    const ack = await platform.call('POST', `/api/v1/alerts/${alert.id}/acknowledge`, { note: 'on my way' })
    expect(ack.status).toBe(200)
    await mailTo('boss@plant.vn', (m) => m.subject.includes('Taken by someone'))
    // Each step still pending when its turn comes is cancelled, not sent.
    await waitUntil(
      async () =>
        (await notificationsOf(alert.id)).every((n) => n.state === 'sent' || n.state === 'cancelled'),
      WAIT_MS,
      () => 'escalation steps still pending',
    )
    const settled = await notificationsOf(alert.id)
    const cancelled = settled.filter((n) => n.state === 'cancelled')
    expect(cancelled.length).toBeGreaterThan(0)
    for (const step of cancelled)
      expect(step).toMatchObject({ attempts: 0, lastError: expect.stringMatching(/acknowledged/) })
  })
})
