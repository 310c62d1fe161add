import { describe, expect, it } from 'vitest'
import { type AlertWords, alertText, alertTexts } from '../../../core/messages/index.ts'

const noise: AlertWords = {
  factor: 'noise',
  kind: 'ceiling',
  level: 'critical',
  value: 120.66,
  limit: 115,
  unit: 'dBA',
  source: 'QCVN 24:2016/BYT, 2.1.1: Max at no moment above 115 dBA',
}

describe('an alert in words', () => {
  it('writes the same value to the same precision in both languages, each in its own convention', () => {
    expect(alertText({ ...noise, value: 120.7 }, 'en')).toBe(
      'Noise level 120.7 dBA is above the critical limit of 115 dBA',
    )
    expect(alertText({ ...noise, value: 120.7 }, 'vi')).toBe(
      'Tiếng ồn 120,7 dBA vượt ngưỡng nguy hiểm 115 dBA',
    )
    expect(alertText(noise, 'en')).toContain('120.66 dBA')
    expect(alertText(noise, 'vi')).toContain('120,66 dBA')
  })

  it('says minutes in Vietnamese for the offline rule, and gives its rule text in both languages', () => {
    const offline: AlertWords = {
      factor: 'noise',
      kind: 'sensor-offline',
      level: 'warning',
      value: 3.1372,
      limit: 3,
      unit: 'min',
      source: 'quantrac: a sensor silent for three of its reporting intervals is offline',
    }
    const texts = alertTexts(offline)
    expect(texts.vi.message).toBe('Thời gian không có số liệu 3,14 phút vượt ngưỡng cảnh báo 3 phút')
    expect(texts.en.message).toBe('Time since last reading 3.14 min is above the warning limit of 3 min')
    expect(texts.vi.source).toBe(
      'quantrac: cảm biến không gửi số liệu trong ba chu kỳ báo cáo của nó được coi là mất tín hiệu',
    )
    expect(texts.en.source).toBe(offline.source)
  })

  it('says below for a floor and names the subject by kind', () => {
    const oxygen: AlertWords = {
      ...noise,
      factor: 'gas.o2',
      kind: 'ceiling',
      level: 'alarm',
      value: 18.2,
      limit: 19.5,
      unit: '%vol',
    }
    expect(alertText(oxygen, 'vi')).toBe('Oxy (O₂) 18,2 %vol thấp hơn giới hạn 19,5 %vol')
    expect(alertText(oxygen, 'en')).toBe('Oxygen (O₂) 18.2 %vol is below the alarm limit of 19.5 %vol')
    const projected: AlertWords = {
      ...noise,
      kind: 'projected',
      level: 'warning',
      value: 140,
      limit: 100,
      unit: '%',
    }
    expect(alertText(projected, 'vi')).toBe('Liều ồn dự báo cuối ca 140 % vượt ngưỡng cảnh báo 100 %')
    const stel: AlertWords = {
      ...noise,
      factor: 'gas.co',
      kind: 'stel',
      level: 'alarm',
      value: 40.25,
      limit: 34.9,
      unit: 'ppm',
    }
    expect(alertText(stel, 'en')).toBe(
      'Carbon monoxide (CO) 15-min mean 40.25 ppm is above the alarm limit of 34.9 ppm',
    )
  })

  it('writes the same sentence as the alert tracker in English', async () => {
    const { AlertTracker } = await import('../../../core/exposure/alert-tracker.ts')
    const tracker = new AlertTracker({ newId: () => 'a-1' })
    const [opened] = tracker.observe(
      { facilityId: 'f', sensorId: 's', factor: 'noise' },
      {
        kind: 'ceiling',
        unit: 'dBA',
        label: 'Noise level',
        levels: { critical: { value: 120.66, limit: 115, source: 's' } },
      },
      0,
    )
    expect(opened?.alert.message).toBe(alertText({ ...noise, value: opened!.alert.value }, 'en'))
  })
})
