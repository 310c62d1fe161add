import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESOLUTION_REASONS } from '../../../core/alerts.ts'
import { CAMPAIGN_ONLY_FACTORS } from '../../../core/campaigns.ts'
import { FACTOR_IDS, FACTORS } from '../../../core/factors.ts'
import { issueApiKey } from '../../../registry/api-keys.ts'
import { startTestApi, type TestApi } from '../../support/api.ts'
import { testFacility } from '../../support/platform.ts'

describe('GET /api/v1/factors', () => {
  let api: TestApi

  beforeAll(async () => {
    api = await startTestApi()
  })
  afterAll(async () => {
    await api?.close()
  })

  it('gives an officer every factor in display order, with its labels, unit and what measures it', async () => {
    await api.registry.createFacility(testFacility('fac-1'))
    const officer = await issueApiKey(api.registry, {
      name: 'officer',
      role: 'officer',
      facilityId: 'fac-1',
    })
    const { status, body } = await api.call('GET', '/api/v1/factors', undefined, officer.token)
    expect(status).toBe(200)
    expect(body.factors.map((f: { id: string }) => f.id)).toEqual([
      ...FACTOR_IDS,
      ...Object.keys(CAMPAIGN_ONLY_FACTORS),
    ])
    expect(body.factors[0]).toEqual({
      id: 'noise',
      labels: { en: FACTORS.noise.label, vi: 'Tiếng ồn' },
      unit: 'dBA',
      sensor: true,
      monitoring: true,
    })
    expect(body.factors.find((f: { id: string }) => f.id === 'light')).toMatchObject({
      labels: { en: 'Lighting', vi: 'Ánh sáng' },
      sensor: false,
      monitoring: true,
    })
    for (const factor of body.factors) expect(factor.labels.vi).not.toBe('')
  })

  it('gives the reasons to close an alert in the order the dialog offers them, in both languages', async () => {
    const { body } = await api.call('GET', '/api/v1/factors')
    expect(body.resolutionReasons.map((r: { id: string }) => r.id)).toEqual(RESOLUTION_REASONS)
    expect(body.resolutionReasons[0]).toEqual({
      id: 'false-alarm',
      labels: { en: 'False alarm', vi: 'Báo động nhầm' },
    })
  })

  it('refuses a caller without a key, and a query it does not take', async () => {
    expect((await api.call('GET', '/api/v1/factors', undefined, null)).status).toBe(401)
    const refused = await api.call('GET', '/api/v1/factors?lang=vi')
    expect(refused.status).toBe(400)
    expect(refused.body.message).toContain('lang')
  })
})
