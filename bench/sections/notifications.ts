import { connectAsync } from 'mqtt'
import { readingsTopic } from '../../core/topics.ts'
import { runAlertLatency } from '../lib/latency-run.ts'
import { type Deliveries, startSmtpReceiver, startWebhookReceiver } from '../lib/receivers.ts'
import { BENCH_FLEET, type Section } from '../lib/section.ts'
import { formatCount, formatMs, summarize } from '../lib/stats.ts'
import { startSut } from '../lib/sut.ts'
import { LATENCY_BACKGROUND_READINGS_PER_SECOND, LATENCY_FACILITY } from './end-to-end.ts'

/** Issue #16's load: 100 notifications a minute, i.e. an alert every 1.2 s to two channels (e-mail, webhook). */
export const NOTIFICATIONS_PER_MINUTE = 100
const CHANNELS = 2
const NOTIFYING_FACILITY = 'bench-notify'
const ALERT_INTERVAL_MS = (60_000 * CHANNELS) / NOTIFICATIONS_PER_MINUTE
/** How long the notifier has, after the last alert, to deliver what is still due before the rest count as lost. */
const DRAIN_MS = 60_000
const WARM_UP_SAMPLES = 20

export interface NotificationFigures {
  without: ReturnType<typeof summarize> & { missed: number }
  with: ReturnType<typeof summarize> & { missed: number }
  expected: number
  delivered: number
  lost: number
  duplicates: number
}

/** Raises an alert in the notifying facility every ALERT_INTERVAL_MS (a fresh sensor each time) until stopped. */
async function raiseAlertsUntil(
  mqttUrl: string,
  credentials: { username?: string; password?: string },
  sensorIds: string[],
  done: () => boolean,
): Promise<{ raised: number; lastAlertAt: number }> {
  const client = await connectAsync(mqttUrl, {
    clientId: 'bench-notifying',
    reconnectPeriod: 0,
    ...credentials,
  })
  const payload = JSON.stringify({ factor: 'noise', value: 118, unit: 'dBA' })
  let raised = 0
  let lastAlertAt = 0
  try {
    const started = performance.now()
    while (!done() && raised < sensorIds.length) {
      await client.publishAsync(readingsTopic(NOTIFYING_FACILITY, sensorIds[raised]!), payload, { qos: 1 })
      raised++
      lastAlertAt = performance.now()
      const wait = started + raised * ALERT_INTERVAL_MS - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    }
  } finally {
    await client.endAsync()
  }
  return { raised, lastAlertAt }
}

function lateness(deliveries: Deliveries, lastAlertAt: number): string {
  const last = Math.max(0, ...deliveries.firstAt.values())
  return last === 0 ? '–' : formatMs(Math.max(0, last - lastAlertAt), 0)
}

export const notifications: Section = {
  id: 'notifications',
  title: '2b. Alert latency with notifications going out (e-mail and webhooks)',
  async run(ctx) {
    const samples = ctx.quick ? 100 : 1000
    const intervalMs = 50
    const smtp = await startSmtpReceiver()
    const webhook = await startWebhookReceiver()
    const influxd = await ctx.influxd()
    ctx.progress('notifications: starting the platform with its notifier sending to an SMTP receiver here')
    const sut = await startSut({ mode: 'quantrac', influxUrl: influxd.url, smtpUrl: smtp.url })
    try {
      const run = Date.now().toString(36)
      const notifying = Array.from(
        { length: Math.ceil((samples * intervalMs) / ALERT_INTERVAL_MS) + 5 },
        (_, i) => `ntf-${run}-${i}`,
      )
      // A short run first, unreported: the first alerts after a start pay for JIT and connection set-up.
      const phases = ['warm-up', 'without', 'with'] as const
      await sut.register(BENCH_FLEET, [
        ...phases.map((phase) => ({
          facilityId: LATENCY_FACILITY,
          sensorIds: Array.from(
            { length: phase === 'warm-up' ? WARM_UP_SAMPLES : samples },
            (_, i) => `lat-${phase}-${run}-${i}`,
          ),
        })),
        { facilityId: NOTIFYING_FACILITY, sensorIds: notifying },
      ])
      const headers = { authorization: `Bearer ${sut.apiKey}`, 'content-type': 'application/json' }
      for (const channel of [
        {
          kind: 'email',
          id: 'bench-mail',
          name: 'Bench',
          to: ['duty@bench.invalid'],
          levels: ['warning', 'alarm', 'critical'],
        },
        {
          kind: 'webhook',
          id: 'bench-hook',
          name: 'Bench',
          url: webhook.url,
          secret: 'bench-webhook-secret-0123456789',
          levels: ['warning', 'alarm', 'critical'],
        },
      ]) {
        const response = await fetch(
          `${sut.apiUrl}/api/v1/facilities/${NOTIFYING_FACILITY}/notification-channels`,
          {
            method: 'POST',
            headers,
            body: JSON.stringify(channel),
          },
        )
        if (response.status !== 201)
          throw new Error(`channel ${channel.id}: HTTP ${response.status} ${await response.text()}`)
      }

      await runAlertLatency({
        sut,
        fleet: BENCH_FLEET,
        facilityId: LATENCY_FACILITY,
        sensorPrefix: `lat-warm-up-${run}`,
        samples: WARM_UP_SAMPLES,
        intervalMs,
        backgroundReadingsPerSecond: LATENCY_BACKGROUND_READINGS_PER_SECOND,
      })
      ctx.progress(`notifications: alert latency without notifications, ${samples} samples`)
      const quiet = await runAlertLatency({
        sut,
        fleet: BENCH_FLEET,
        facilityId: LATENCY_FACILITY,
        sensorPrefix: `lat-without-${run}`,
        samples,
        intervalMs,
        backgroundReadingsPerSecond: LATENCY_BACKGROUND_READINGS_PER_SECOND,
      })
      ctx.progress(
        `notifications: alert latency with ${NOTIFICATIONS_PER_MINUTE} notifications a minute going out`,
      )
      let raised = 0
      let lastAlertAt = 0
      const busy = await runAlertLatency({
        sut,
        fleet: BENCH_FLEET,
        facilityId: LATENCY_FACILITY,
        sensorPrefix: `lat-with-${run}`,
        samples,
        intervalMs,
        backgroundReadingsPerSecond: LATENCY_BACKGROUND_READINGS_PER_SECOND,
        alongside: async (probeDone) => {
          ;({ raised, lastAlertAt } = await raiseAlertsUntil(
            `mqtt://127.0.0.1:${sut.mqttPort}`,
            sut.credentials,
            notifying,
            probeDone,
          ))
        },
      })
      const expected = raised * CHANNELS
      const received = () => smtp.deliveries.firstAt.size + webhook.deliveries.firstAt.size
      const deadline = performance.now() + DRAIN_MS
      while (received() < expected && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 100))
      const delivered = received()
      const duplicates = smtp.deliveries.duplicates + webhook.deliveries.duplicates
      const without = { ...summarize(quiet.probe.latencies), missed: quiet.probe.missed }
      const withNotifications = { ...summarize(busy.probe.latencies), missed: busy.probe.missed }
      const figures: NotificationFigures = {
        without,
        with: withNotifications,
        expected,
        delivered,
        lost: Math.max(0, expected - delivered),
        duplicates,
      }
      ctx.shared.set('notifications', figures)
      ctx.progress(
        `notifications:   p99 ${formatMs(without.p99)} without, ${formatMs(withNotifications.p99)} with; ${delivered} of ${expected} delivered, ${duplicates} repeats`,
      )
      const failures = [quiet.error, busy.error].filter((error) => error !== undefined)
      const row = (name: string, latency: typeof without, background: typeof quiet.background) => [
        name,
        latency.count,
        latency.missed,
        formatMs(latency.p50),
        formatMs(latency.p99),
        formatMs(latency.max),
        background === undefined
          ? '–'
          : `${formatCount(background.ackedReadings)} of ${formatCount(background.offeredReadings)}`,
      ]
      return {
        summary: [
          `Publish-to-alert at ${formatCount(LATENCY_BACKGROUND_READINGS_PER_SECOND)} readings/s background: **p99 ${formatMs(without.p99)} without notifications, ${formatMs(withNotifications.p99)} with ${NOTIFICATIONS_PER_MINUTE} a minute going out** (p50 ${formatMs(without.p50)} / ${formatMs(withNotifications.p50)}, max ${formatMs(without.max)} / ${formatMs(withNotifications.max)}).`,
          `Notifications: **${formatCount(delivered)} of ${formatCount(expected)} delivered, ${formatCount(figures.lost)} lost, ${formatCount(duplicates)} repeats** (${raised} alerts × ${CHANNELS} channels; the last e-mail ${lateness(smtp.deliveries, lastAlertAt)} and webhook ${lateness(webhook.deliveries, lastAlertAt)} after the last alert).`,
          ...failures.map((failure) => `Failed run: ${failure}.`),
        ],
        tables: [
          {
            title: 'Publish-to-alert latency, side by side',
            columns: ['notifications', 'samples', 'missed', 'p50', 'p99', 'max', 'background acked'],
            rows: [
              row('none', without, quiet.background),
              row(`${NOTIFICATIONS_PER_MINUTE} a minute`, withNotifications, busy.background),
            ],
          },
          {
            title: 'Notifications delivered (counted by idempotency key at the receivers)',
            columns: ['channel', 'expected', 'delivered', 'repeats'],
            rows: [
              ['e-mail (smtp-server)', raised, smtp.deliveries.firstAt.size, smtp.deliveries.duplicates],
              ['webhook (HTTP)', raised, webhook.deliveries.firstAt.size, webhook.deliveries.duplicates],
            ],
          },
        ],
        notes: [
          `Same platform, same probe as section 2 (one noise reading of 118 dBA per sample every ${intervalMs} ms from a fresh sensor), run twice: first with no channel anywhere, then while another facility raises an alert every ${formatMs(ALERT_INTERVAL_MS, 0)} that its two channels (an e-mail address on a real SMTP server and a signed webhook to an HTTP receiver, both in the bench process) send out through the notifier's outbox at its default interval (QUANTRAC_NOTIFY_INTERVAL_MS, 1 s).`,
          `*lost* is what had not arrived ${DRAIN_MS / 1000} s after the last alert; *repeats* are messages that arrived twice with the same idempotency key.`,
        ],
        data: { figures, quiet, busy, raised },
      }
    } finally {
      await sut.stop()
      await smtp.close()
      await webhook.close()
    }
  },
}
