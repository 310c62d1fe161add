import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Platform, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

describe('ingest restarting on saved exposure state it cannot read, or that the previous version saved', () => {
  let platform: Platform

  beforeAll(async () => {
    platform = await startPlatform()
  })
  afterAll(async () => {
    await platform?.stop()
  })

  it('starts that state fresh and goes on taking readings, exposure figures and alerts', async () => {
    const credentials = await platform.registerSensor('fac-s', 'noise-s', ['noise'])
    await platform.stopIngest()
    // What a disk that lost a write, or an older quantrac, leaves behind.
    await platform.registry.saveStates([
      ['exposure-monitor/evaluator/noise-s/noise', { key: { sensorId: 'noise-s' }, evaluator: '{' }],
      ['exposure-monitor/alerts', { slots: null, alerts: 'none' }],
    ])
    await platform.startIngest()
    const sensor = await platform.connectSensor(credentials)
    try {
      await sensor.publishAsync(
        credentials.topic,
        JSON.stringify({ factor: 'noise', value: 118, unit: 'dBA' }),
        {
          qos: 1,
        },
      )
      await waitUntil(
        async () => (await platform.call('GET', '/api/v1/alerts?facility=fac-s')).body.items.length > 0,
        10_000,
        () => 'no alert for the loud reading',
      )
      await waitUntil(
        async () =>
          (await platform.call('GET', '/api/v1/exposures/latest?sensor=noise-s')).body.items.length > 0,
        10_000,
        () => 'no exposure figures',
      )
      expect(platform.ingest.stats().readings).toBe(1)
    } finally {
      await sensor.endAsync()
    }
  })

  it('keeps the open alerts of an alert tracker the previous version saved whole, then saves it slot by slot', async () => {
    const credentials = await platform.registerSensor('fac-u', 'noise-u', ['noise'])
    const loud = JSON.stringify({ factor: 'noise', value: 118, unit: 'dBA' })
    let sensor = await platform.connectSensor(credentials)
    await sensor.publishAsync(credentials.topic, loud, { qos: 1 })
    await waitUntil(
      async () => (await platform.call('GET', '/api/v1/alerts?facility=fac-u')).body.items.length > 0,
      10_000,
      () => 'no alert for the loud reading',
    )
    await sensor.endAsync()
    await platform.stopIngest()
    // As the previous version left it: the whole tracker under one key, no slot of its own.
    const slots = await platform.registry.loadStates('exposure-monitor/alerts/')
    const saved = [...slots.values()] as { key: string; slot: object; alert?: { id: string } }[]
    await platform.registry.deleteStates(slots.keys())
    await platform.registry.saveStates([
      [
        'exposure-monitor/alerts',
        {
          slots: saved.map(({ key, slot }) => [key, slot]),
          alerts: saved.flatMap(({ alert }) => alert ?? []),
        },
      ],
    ])

    await platform.startIngest()
    sensor = await platform.connectSensor(credentials)
    try {
      await sensor.publishAsync(credentials.topic, loud, { qos: 1 })
      await waitUntil(
        async () => platform.ingest.stats().readings === 1,
        10_000,
        () => 'the second loud reading was not taken',
      )
    } finally {
      await sensor.endAsync()
    }
    await platform.stopIngest()
    // The same alert, still open: the tracker restored it, where a fresh one would have opened another.
    const { items } = (await platform.call('GET', '/api/v1/alerts?facility=fac-u')).body
    const ceiling = items.filter((alert: { kind: string }) => alert.kind === 'ceiling')
    expect(ceiling).toMatchObject([{ state: 'open', sensorId: 'noise-u' }])
    const after = await platform.registry.loadStates('exposure-monitor/alerts')
    expect(after.has('exposure-monitor/alerts')).toBe(false)
    expect(after.get('exposure-monitor/alerts/fac-u/noise-u/noise/ceiling/above')).toMatchObject({
      alert: { id: ceiling[0].id, state: 'open' },
    })
    await platform.startIngest()
  })
})
