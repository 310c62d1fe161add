import { describe, expect, it } from 'vitest'
import type { Reading } from '../../core/contract.ts'
import { CLEAR_AFTER_MS, createInstantAlerts } from '../../ingest/instant-alerts.ts'

function noise(value: number, time: number): Reading {
  return { facilityId: 'f', sensorId: 's', factor: 'noise', value, time }
}

describe('instantaneous limit alerts', () => {
  it('opens one alert when noise exceeds QCVN 24’s 115 dBA maximum, citing the regulation', () => {
    const alerts = createInstantAlerts()
    expect(alerts.observe('qcvn', noise(110, 0))).toEqual([])
    const [alert] = alerts.observe('qcvn', noise(116, 1000))
    expect(alert).toMatchObject({ kind: 'ceiling', state: 'open', value: 116, limit: 115, unit: 'dBA' })
    expect(alert?.source).toContain('QCVN 24:2016/BYT')
  })

  it('raises one alert, not many, for a value dithering at the limit, following its worst value', () => {
    const alerts = createInstantAlerts()
    const changes = [116, 114, 117, 113, 116.5, 114].flatMap((v, i) =>
      alerts.observe('qcvn', noise(v, i * 1000)),
    )
    expect(new Set(changes.map((a) => a.id)).size).toBe(1)
    expect(changes.at(-1)).toMatchObject({ value: 117, state: 'open' })
  })

  it('clears the alert once no breach has been seen for the clearing delay', () => {
    const alerts = createInstantAlerts()
    alerts.observe('qcvn', noise(120, 0))
    expect(alerts.clearRecovered(CLEAR_AFTER_MS - 1)).toEqual([])
    const [cleared] = alerts.clearRecovered(CLEAR_AFTER_MS)
    expect(cleared).toMatchObject({ state: 'cleared', clearedAt: CLEAR_AFTER_MS })
    expect(alerts.observe('qcvn', noise(120, CLEAR_AFTER_MS + 1))[0]?.id).not.toBe(cleared?.id)
  })

  it('alerts on a value below a floor, such as oxygen deficiency', () => {
    const alerts = createInstantAlerts()
    const [alert] = alerts.observe('qcvn', {
      facilityId: 'f',
      sensorId: 'g',
      factor: 'gas.o2',
      value: 18,
      time: 0,
    })
    expect(alert).toMatchObject({ factor: 'gas.o2', limit: 19.5 })
    expect(alert?.message).toContain('below')
  })
})
