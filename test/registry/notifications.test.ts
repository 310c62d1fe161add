import { beforeEach, expect, it } from 'vitest'
import type { AlertEvent } from '../../core/alert-lifecycle.ts'
import { type Channel, planNotifications } from '../../core/notifications.ts'
import type { RegistryDatabase } from '../../registry/types.ts'
import { testFacility } from '../support/platform.ts'
import { describeEachRegistry } from '../support/registries.ts'

const channel: Channel = {
  id: 'duty',
  facilityId: 'f1',
  kind: 'webhook',
  name: 'Duty hook',
  url: 'http://127.0.0.1:1/hook',
  levels: ['alarm'],
  language: 'en',
}
const event: AlertEvent = {
  type: 'opened',
  at: 1000,
  alert: {
    id: 'a1',
    facilityId: 'f1',
    sensorId: 's1',
    factor: 'noise',
    kind: 'ceiling',
    level: 'alarm',
    state: 'open',
    value: 120,
    limit: 115,
    unit: 'dBA',
    source: 'QCVN 24:2016/BYT',
    message: 'loud',
    openedAt: 1000,
    updatedAt: 1000,
  },
}

describeEachRegistry('the notification outbox in the registry', (opened) => {
  let registry: RegistryDatabase
  beforeEach(async () => {
    registry = opened().registry
    await registry.createFacility(testFacility('f1'))
    await registry.createChannel(channel, { secret: 'shh', headers: { access_token: 'tok' } })
  })

  it('keeps a webhook’s secret apart from the channel it returns', async () => {
    expect(await registry.getChannel('f1', 'duty')).toEqual(channel)
    expect(JSON.stringify(await registry.listChannels('f1'))).not.toMatch(/shh|tok/)
    expect(await registry.webhookSecrets('f1', 'duty')).toEqual({
      secret: 'shh',
      headers: { access_token: 'tok' },
    })
    await registry.updateChannel({ ...channel, name: 'Renamed' })
    expect((await registry.webhookSecrets('f1', 'duty'))?.secret).toBe('shh')
  })

  it('writes each planned notification once, however often it is planned', async () => {
    const planned = planNotifications({ seq: 1, event }, [channel], undefined, new Map())
    expect(await registry.enqueueNotifications(planned, 1000)).toBe(1)
    expect(await registry.enqueueNotifications(planned, 1001)).toBe(0)
    expect(await registry.listNotifications('a1')).toHaveLength(1)
  })

  it('records failures with their reason, retries when due, and one claim at a time', async () => {
    await registry.enqueueNotifications(
      planNotifications({ seq: 1, event }, [channel], undefined, new Map()),
      1000,
    )
    const [claimed] = await registry.claimDueNotifications(2000, 10, 60_000)
    expect(claimed?.state).toBe('sending')
    expect(await registry.claimDueNotifications(2000, 10, 60_000)).toEqual([])
    await registry.recordFailure(claimed!.id, 2000, 'webhook to 127.0.0.1:1 failed: ECONNREFUSED', 7000)
    expect(await registry.claimDueNotifications(6999, 10, 60_000)).toEqual([])
    const [retry] = await registry.claimDueNotifications(7000, 10, 60_000)
    await registry.recordSent(retry!.id, 7100)
    const [stored] = await registry.listNotifications('a1')
    expect(stored).toMatchObject({ state: 'sent', attempts: 2, sentAt: 7100 })
    expect(stored!.attemptLog).toEqual([
      { attempt: 1, at: 2000, outcome: 'failed', error: 'webhook to 127.0.0.1:1 failed: ECONNREFUSED' },
      { attempt: 2, at: 7100, outcome: 'sent' },
    ])
    expect(await registry.notifiedContacts('a1')).toEqual(new Map([['duty', ['Duty hook']]]))
  })

  it('takes back a row whose sender stopped mid-send, as an interrupted attempt', async () => {
    await registry.enqueueNotifications(
      planNotifications({ seq: 1, event }, [channel], undefined, new Map()),
      1000,
    )
    await registry.claimDueNotifications(2000, 10, 60_000)
    expect(await registry.claimDueNotifications(61_999, 10, 60_000)).toEqual([])
    const [again] = await registry.claimDueNotifications(62_000, 10, 60_000)
    expect(again?.attempts).toBe(1)
    const [stored] = await registry.listNotifications('a1')
    expect(stored!.attemptLog).toEqual([{ attempt: 1, at: 62_000, outcome: 'interrupted' }])
  })

  it('lets an ack token be used once, before it expires', async () => {
    await registry.enqueueNotifications(
      planNotifications({ seq: 1, event }, [channel], undefined, new Map()),
      1000,
    )
    const [row] = await registry.listNotifications('a1')
    const token = {
      notificationId: row!.id,
      alertId: 'a1',
      contact: 'x',
      language: 'vi' as const,
      expiresAt: 5000,
    }
    await registry.createAckToken('h1', { ...token, createdAt: 1000 })
    expect(await registry.useAckToken('h1', 5000)).toBe(false)
    expect(await registry.useAckToken('h1', 4000)).toBe(true)
    expect(await registry.useAckToken('h1', 4001)).toBe(false)
    expect(await registry.findAckToken('h1')).toMatchObject({ usedAt: 4000 })
  })

  it('gives each due row to one of several dispatchers claiming at once', async () => {
    const channels = Array.from({ length: 12 }, (_, i) => ({ ...channel, id: `c${i}`, name: `hook ${i}` }))
    for (const c of channels) await registry.createChannel(c)
    await registry.enqueueNotifications(
      planNotifications({ seq: 1, event }, channels, undefined, new Map()),
      1000,
    )
    const claims = await Promise.all([1, 2, 3].map(() => registry.claimDueNotifications(2000, 5, 60_000)))
    const ids = claims.flat().map((row) => row.id)
    expect(ids).toHaveLength(12)
    expect(new Set(ids).size).toBe(12)
  })
})
