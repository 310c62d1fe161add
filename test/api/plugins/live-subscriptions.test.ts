import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { createLiveSubscriptions } from '../../../api/plugins/app/live-subscriptions.ts'

/** A broker client that records each SUBSCRIBE and UNSUBSCRIBE and answers when told. */
function recordingBroker(
  refuse: (filters: readonly string[]) => boolean = () => false,
  onCall: () => void = () => {},
) {
  const calls: string[] = []
  const answer = (kind: string) => async (filters: string | readonly string[]) => {
    const list = typeof filters === 'string' ? [filters] : filters
    calls.push(`${kind} ${list.join(' ')}`)
    onCall()
    await new Promise((resolve) => setImmediate(resolve))
    if (refuse(list)) throw new Error('refused')
  }
  return { calls, subscribe: answer('sub'), unsubscribe: answer('unsub') }
}

const log = pino({ level: 'silent' })

describe('live subscriptions', () => {
  it('subscribes to a watched facility’s readings, alerts and exposures, never its notices', async () => {
    const broker = recordingBroker()
    const watched = new Set(['f1'])
    const subscriptions = createLiveSubscriptions(broker, (id) => watched.has(id), log)
    subscriptions.changed('f1')
    expect(await subscriptions.held('f1')).toBe(true)
    expect(broker.calls).toEqual([
      'sub quantrac/v1/live/f1/readings quantrac/v1/live/f1/alerts quantrac/v1/live/f1/exposures',
    ])
  })

  it('applies the changes made while the broker answers in order, skipping a room emptied before its turn', async () => {
    const broker = recordingBroker()
    const watched = new Set(['f1'])
    const subscriptions = createLiveSubscriptions(broker, (id) => watched.has(id), log)
    subscriptions.changed('f1')
    // While f1's SUBSCRIBE is on its way: f2 watched and left again, f3 watched, f1 left.
    watched.add('f2')
    subscriptions.changed('f2')
    watched.delete('f2')
    subscriptions.changed('f2')
    watched.add('f3')
    subscriptions.changed('f3')
    watched.delete('f1')
    subscriptions.changed('f1')
    expect(await subscriptions.held('f3')).toBe(true)
    expect([...subscriptions.facilities()]).toEqual(['f3'])
    expect(broker.calls.map((call) => call.split(' ').slice(0, 2).join(' '))).toEqual([
      'sub quantrac/v1/live/f1/readings',
      'unsub quantrac/v1/live/f1/readings',
      'sub quantrac/v1/live/f3/readings',
    ])
  })

  it('answers for a facility once its own batch is through, however many changes keep coming after it', async () => {
    const watched = new Set<string>()
    let churn = 0
    // Every SUBSCRIBE that goes out brings another facility's room: the changes never stop.
    const subscriptions = createLiveSubscriptions(
      recordingBroker(undefined, () => {
        const other = `other-${churn++}`
        watched.add(other)
        subscriptions.changed(other)
      }),
      (id) => watched.has(id),
      log,
    )
    watched.add('f1')
    subscriptions.changed('f1')
    expect(await subscriptions.held('f1')).toBe(true)
    expect(churn).toBeLessThan(5)
    // Stop the churn: the last change has nothing to follow it.
    watched.clear()
  })

  it('says a facility is not held when the broker refused it, and tries again on the next change', async () => {
    let refusing = true
    const broker = recordingBroker(() => refusing)
    const subscriptions = createLiveSubscriptions(broker, () => true, log)
    subscriptions.changed('f1')
    expect(await subscriptions.held('f1')).toBe(false)
    refusing = false
    subscriptions.changed('f1')
    expect(await subscriptions.held('f1')).toBe(true)
  })
})
