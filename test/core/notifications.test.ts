import { describe, expect, it } from 'vitest'
import type { AlertEvent } from '../../core/alert-lifecycle.ts'
import type { Alert } from '../../core/alerts.ts'
import {
  type Channel,
  channelRefusal,
  type EscalationPolicy,
  fillTemplate,
  planNotifications,
  releaseTime,
  repeatOf,
  retryDelay,
  stillWarranted,
  templateProblem,
  webhookUrlProblem,
} from '../../core/notifications.ts'

const T0 = Date.parse('2026-12-02T02:00:00+07:00')
const alert: Alert = {
  id: 'a1',
  facilityId: 'f1',
  sensorId: 's1',
  factor: 'gas.co',
  kind: 'ceiling',
  level: 'alarm',
  state: 'open',
  value: 60,
  limit: 40,
  unit: 'ppm',
  source: 'QCVN 03:2019/BYT',
  message: 'CO 60 ppm',
  openedAt: T0,
  updatedAt: T0,
}
const duty: Channel = {
  id: 'duty',
  facilityId: 'f1',
  kind: 'email',
  name: 'Duty',
  to: ['duty@example.vn', 'night@example.vn'],
  levels: ['alarm', 'critical'],
  language: 'vi',
}
const boss: Channel = { ...duty, id: 'boss', to: ['boss@example.vn'] }
const health: Channel = { ...duty, id: 'health', kinds: ['sensor-offline'] }
const policy: EscalationPolicy = {
  facilityId: 'f1',
  tiers: [
    { delayMinutes: 0, channelIds: ['duty'] },
    { delayMinutes: 5, channelIds: ['boss'] },
  ],
  repeatMinutes: 10,
}
const opened: AlertEvent = { type: 'opened', at: T0, alert }

describe('planning notifications from the alert event log', () => {
  it('sends an opened alert to each contact of each channel that hears it, at its tier’s delay', () => {
    const planned = planNotifications({ seq: 7, event: opened }, [duty, boss, health], policy, new Map())
    expect(planned.map((p) => [p.channelId, p.contact, p.tier, p.dueAt - T0, p.whileUnacknowledged])).toEqual(
      [
        ['duty', 'duty@example.vn', 0, 0, false],
        ['duty', 'night@example.vn', 0, 0, false],
        ['boss', 'boss@example.vn', 1, 300_000, true],
      ],
    )
    expect(planned[0]!.idempotencyKey).toBe('a1:opened.7:duty:duty%40example.vn:t0:r0')
    // The same event planned again gives the same keys: the outbox writes it once.
    const again = planNotifications({ seq: 7, event: opened }, [duty, boss], policy, new Map())
    expect(again.map((p) => p.idempotencyKey)).toEqual(planned.map((p) => p.idempotencyKey))
  })

  it('tells those already notified who acknowledged, and nobody else', () => {
    const acknowledged: AlertEvent = { type: 'acknowledged', at: T0 + 60_000, alert, by: { name: 'An' } }
    const planned = planNotifications(
      { seq: 8, event: acknowledged },
      [duty, boss],
      policy,
      new Map([['duty', ['duty@example.vn']]]),
    )
    expect(planned.map((p) => [p.event, p.contact])).toEqual([['alert.acknowledged', 'duty@example.vn']])
  })

  it('repeats a tier while nobody acknowledges, and stops a step once someone has', () => {
    const [first] = planNotifications({ seq: 7, event: opened }, [duty], policy, new Map())
    const next = repeatOf(first!, policy)!
    expect([next.round, next.dueAt - T0, next.whileUnacknowledged]).toEqual([1, 600_000, true])
    expect(next.idempotencyKey).not.toBe(first!.idempotencyKey)
    expect(stillWarranted(next, alert)).toBe(true)
    const taken: Alert = {
      ...alert,
      state: 'acknowledged',
      acknowledgements: [{ by: { name: 'An' }, at: T0, level: 'alarm' }],
    }
    expect(stillWarranted(next, taken)).toBe(false)
    expect(stillWarranted(next, { ...taken, level: 'critical' })).toBe(false)
    expect(repeatOf(first!, { ...policy, repeatMinutes: undefined })).toBeUndefined()
  })
})

describe('quiet hours', () => {
  const quiet = { start: '22:00', end: '06:00', holdBack: ['warning' as const, 'alarm' as const] }
  it('holds an alarm at 02:00 back until 06:00 Vietnam time, never a critical one', () => {
    expect(releaseTime(T0, 'alarm', quiet)).toBe(Date.parse('2026-12-02T06:00:00+07:00'))
    expect(releaseTime(T0, 'critical', quiet)).toBe(T0)
    const evening = Date.parse('2026-12-01T23:30:00+07:00')
    expect(releaseTime(evening, 'warning', quiet)).toBe(Date.parse('2026-12-02T06:00:00+07:00'))
    const noon = Date.parse('2026-12-02T12:00:00+07:00')
    expect(releaseTime(noon, 'warning', quiet)).toBe(noon)
  })
})

describe('retries', () => {
  it('doubles the wait from the base, up to the cap', () => {
    expect([1, 2, 3, 10].map((n) => retryDelay(n, 5000, 60_000))).toEqual([5000, 10_000, 20_000, 60_000])
  })
})

describe('who may set up a channel', () => {
  const facility = { ownerId: 'owner-1' }
  it('lets a contractor that serves the facility set up sensor-health channels only', () => {
    const contractor = { role: 'contractor', organisationId: 'ca', servesFacility: true }
    expect(
      channelRefusal(contractor, facility, { kinds: ['sensor-offline', 'sensor-fault'] }),
    ).toBeUndefined()
    expect(channelRefusal(contractor, facility, { kinds: ['ceiling'] })).toMatch(/sensor-health/)
    expect(channelRefusal(contractor, facility, {})).toMatch(/sensor-health/)
    expect(
      channelRefusal({ ...contractor, servesFacility: false }, facility, { kinds: ['sensor-fault'] }),
    ).toMatch(/may not/)
  })
  it('lets admins and the owner organisation set up any', () => {
    expect(channelRefusal({ role: 'admin', servesFacility: true }, facility, {})).toBeUndefined()
    expect(
      channelRefusal({ role: 'contractor', organisationId: 'owner-1', servesFacility: false }, facility, {}),
    ).toBeUndefined()
    expect(channelRefusal({ role: 'officer', servesFacility: true }, facility, {})).toMatch(/may not/)
  })
})

describe('webhook URLs and templates', () => {
  it('refuses other schemes, credentials in the URL, and hosts off the allow-list', () => {
    expect(webhookUrlProblem('https://hooks.slack.com/services/x')).toBeUndefined()
    expect(webhookUrlProblem('file:///etc/passwd')).toMatch(/http/)
    expect(webhookUrlProblem('gopher://127.0.0.1:25/')).toMatch(/http/)
    expect(webhookUrlProblem('https://user:pw@example.com/')).toMatch(/credentials/)
    expect(webhookUrlProblem('http://169.254.169.254/latest', ['hooks.slack.com'])).toMatch(/not in/)
    expect(webhookUrlProblem('https://api.telegram.org/bot1/sendMessage', ['.telegram.org'])).toBeUndefined()
    expect(webhookUrlProblem('not a url')).toBe('not a URL')
  })
  it('fills placeholders as JSON string content, and refuses unknown ones or broken JSON', () => {
    expect(JSON.parse(fillTemplate('{"text":"{{text}}"}', { text: 'a "b"\nc' }))).toEqual({
      text: 'a "b"\nc',
    })
    expect(templateProblem('{"text":"{{text}}","chat_id":"-100"}')).toBeUndefined()
    expect(templateProblem('{"text":"{{secret}}"}')).toMatch(/unknown placeholder/)
    expect(templateProblem('{"text":{{text}}}')).toMatch(/not JSON/)
  })
})
