import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsv } from '../../api/csv.ts'
import type { Reading } from '../../core/contract.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const at = (local: string) => Date.parse(`${local}+07:00`)
const ONE_SHIFT = { starts: ['07:00'], utcOffsetMinutes: 420 }
const REGISTERED = at('2020-01-01T00:00:00')

const declaration = { reference: '15/CB-SYT', publishedBy: 'Sở Y tế Bắc Ninh', publishedOn: '2023-05-10' }

/** A campaign of contractor A at its facility plant-a: dust in the mill, light in the office. */
const campaign = (overrides: Record<string, unknown> = {}) => ({
  id: 'c-2025-a',
  facilityId: 'plant-a',
  declaration,
  startedOn: '2025-05-08',
  endedOn: '2025-05-10',
  measurements: [
    {
      zoneId: 'plant-a-mill',
      position: 'Máy nghiền 1',
      factor: 'dust.total',
      samples: 3,
      samplesOverLimit: 1,
      values: [3.2, 4.8, 9.1],
      unit: 'mg/m³',
    },
    {
      zoneId: 'plant-a-office',
      factor: 'light',
      samples: 2,
      samplesOverLimit: 0,
      values: [320, 410],
      unit: 'lx',
    },
  ],
  ...overrides,
})

/**
 * A monitoring organisation records its campaigns through the API (JSON or CSV); a campaign counts its
 * facility as monitored for the factors it sampled, beside the sensors, and the report says which source
 * counted each facility.
 */
describe('monitoring campaigns', () => {
  let platform: Platform
  const keys: Record<string, string> = {}
  const call = (who: string, method: string, path: string, body?: unknown) =>
    platform.call(method, path, body, keys[who] ?? null)

  beforeAll(async () => {
    platform = await startPlatform()
    const { registry, store } = platform
    await registry.createOrganisation({ id: 'ctv-a', name: 'Trung tâm Quan trắc A', kind: 'contractor' })
    await registry.createOrganisation({ id: 'ctv-b', name: 'Trung tâm Quan trắc B', kind: 'contractor' })
    await registry.createOrganisation({ id: 'owner', name: 'Chủ cơ sở', kind: 'owner' })
    const facility = (id: string, contractor: string, hazards: ('noise' | 'dust.total')[]) =>
      registry.createFacility(
        testFacility(id, {
          province: 'Bắc Ninh',
          contractorIds: [contractor],
          hazards,
          shifts: ONE_SHIFT,
          registeredAt: REGISTERED,
        }),
      )
    // plant-a: noise by a sensor all year, dust by the campaign. plant-c: no sensor, campaign only.
    await facility('plant-a', 'ctv-a', ['noise', 'dust.total'])
    await facility('plant-b', 'ctv-b', ['noise'])
    await facility('plant-c', 'ctv-a', ['noise'])
    for (const [id, zone] of [
      ['plant-a', 'mill'],
      ['plant-a', 'office'],
      ['plant-b', 'hall'],
      ['plant-c', 'line'],
    ] as const) {
      await registry.createZone({ id: `${id}-${zone}`, facilityId: id, name: zone, workers: 20 })
    }
    await registry.createSensor(
      {
        id: 'plant-a-n1',
        facilityId: 'plant-a',
        zoneId: 'plant-a-mill',
        model: 't',
        serial: 'a',
        factors: ['noise'],
        commissionedAt: 0,
      },
      'x',
    )
    const start = at('2025-01-01T07:00:00')
    const readings: Reading[] = Array.from({ length: 365 * 8 }, (_, i) => ({
      facilityId: 'plant-a',
      sensorId: 'plant-a-n1',
      factor: 'noise',
      time: start + Math.floor(i / 8) * DAY + (i % 8) * HOUR + 60_000,
      value: 80,
    }))
    await store.writeReadings(readings)
    const issue = async (scope: Parameters<typeof issueApiKey>[1]) =>
      (await issueApiKey(registry, scope)).token
    keys.contractorA = await issue({ name: 'Quan trắc viên A', role: 'contractor', organisationId: 'ctv-a' })
    keys.contractorB = await issue({ name: 'Quan trắc viên B', role: 'contractor', organisationId: 'ctv-b' })
    keys.officerA = await issue({ name: 'officer A', role: 'officer', facilityId: 'plant-a' })
    keys.officerB = await issue({ name: 'officer B', role: 'officer', facilityId: 'plant-b' })
    keys.regulator = await issue({ name: 'Sở Y tế Bắc Ninh', role: 'regulator' })
    keys.admin = platform.adminKey
  })

  afterAll(async () => {
    await platform?.stop()
  })

  it('lets a contractor record a campaign at a facility it serves, in its own name', async () => {
    const { status, body } = await call('contractorA', 'POST', '/api/v1/campaigns', campaign())
    expect(status).toBe(201)
    expect(body).toMatchObject({
      id: 'c-2025-a',
      organisationId: 'ctv-a',
      recordedBy: 'Quan trắc viên A',
      declaration,
      measurements: [{ factor: 'dust.total', samples: 3, samplesOverLimit: 1, values: [3.2, 4.8, 9.1] }, {}],
    })
    const again = await call('contractorA', 'POST', '/api/v1/campaigns', campaign())
    expect(again.status).toBe(409)
  })

  it.each([
    [
      'the zone is not the facility’s',
      { measurements: [{ zoneId: 'plant-b-hall', factor: 'noise', samples: 1, samplesOverLimit: 0 }] },
      /zone plant-b-hall is no zone of the facility/,
    ],
    [
      'more samples over the limit than taken',
      { measurements: [{ zoneId: 'plant-a-mill', factor: 'noise', samples: 1, samplesOverLimit: 2 }] },
      /2 samples over the limit of 1 taken/,
    ],
    [
      'values that do not match the samples',
      {
        measurements: [
          {
            zoneId: 'plant-a-mill',
            factor: 'noise',
            samples: 2,
            samplesOverLimit: 0,
            values: [80],
            unit: 'dBA',
          },
        ],
      },
      /1 values given for 2 samples/,
    ],
    ['a last day in the future', { endedOn: '2099-01-01' }, /endedOn 2099-01-01 lies in the future/],
    [
      'an unknown factor',
      { measurements: [{ zoneId: 'plant-a-mill', factor: 'laser', samples: 1, samplesOverLimit: 0 }] },
      /factor/,
    ],
    ['an owner as the monitoring organisation', { organisationId: 'owner' }, null],
  ])('refuses a campaign where %s, with 400 and why', async (_, overrides, message) => {
    const who = 'organisationId' in overrides ? 'admin' : 'contractorA'
    const { status, body } = await call(
      who,
      'POST',
      '/api/v1/campaigns',
      campaign({ id: 'c-bad', ...overrides }),
    )
    expect(status).toBe(400)
    expect(body.message).toMatch(message ?? /owner is no registered monitoring organisation/)
  })

  it('refuses callers who may not record: another facility, another organisation, an officer, a regulator', async () => {
    const other = await call(
      'contractorA',
      'POST',
      '/api/v1/campaigns',
      campaign({ id: 'c-x', facilityId: 'plant-b' }),
    )
    expect(other.status).toBe(403)
    expect(other.body.message).toMatch(/does not reach facility plant-b/)
    const proxy = await call(
      'contractorA',
      'POST',
      '/api/v1/campaigns',
      campaign({ id: 'c-y', organisationId: 'ctv-b' }),
    )
    expect(proxy.status).toBe(403)
    expect(proxy.body.message).toMatch(/own organisation only/)
    for (const who of ['officerA', 'regulator']) {
      const denied = await call(who, 'POST', '/api/v1/campaigns', campaign({ id: 'c-z' }))
      expect(denied.status).toBe(403)
      expect(denied.body.message).toMatch(/role may not POST \/api\/v1\/campaigns/)
    }
    expect((await call('nobody', 'POST', '/api/v1/campaigns', campaign({ id: 'c-z' }))).status).toBe(401)
    expect((await call('admin', 'GET', '/api/v1/campaigns/c-x')).status).toBe(404)
  })

  it('imports campaigns from CSV, one line per measurement, all or none', async () => {
    const header =
      'campaignId,facilityId,declarationReference,declarationPublishedBy,startedOn,endedOn,zoneId,position,factor,samples,samplesOverLimit,values,unit'
    const line = (
      id: string,
      facility: string,
      zone: string,
      factor: string,
      n: number,
      over: number,
      values = '',
    ) =>
      `${id},${facility},15/CB-SYT,Sở Y tế Bắc Ninh,2025-06-01,2025-06-02,${zone},,${factor},${n},${over},${values},${values ? 'dBA' : ''}`
    const good = [
      header,
      line('c-2025-c', 'plant-c', 'plant-c-line', 'noise', 4, 1, '82;84;86;91'),
      line('c-2025-c', 'plant-c', 'plant-c-line', 'temperature', 2, 0),
      line('c-2024-c', 'plant-c', 'plant-c-line', 'noise', 3, 0).replaceAll('2025-06-0', '2024-06-0'),
    ].join('\n')
    const mixed = `${good}\n${line('c-2025-c', 'plant-c', 'plant-c-line', 'noise', 1, 0).replace('2025-06-02', '2025-06-03')}`
    const inconsistent = await call('contractorA', 'POST', '/api/v1/campaigns/import', mixed)
    expect(inconsistent.status).toBe(400)
    expect(inconsistent.body.message).toMatch(/line 5: campaign c-2025-c differs from its line 2/)
    const foreign = `${good}\n${line('c-b', 'plant-b', 'plant-b-hall', 'noise', 1, 0)}`
    expect((await call('contractorA', 'POST', '/api/v1/campaigns/import', foreign)).status).toBe(403)
    expect((await call('admin', 'GET', '/api/v1/campaigns/c-2025-c')).status).toBe(404)

    const imported = await call('contractorA', 'POST', '/api/v1/campaigns/import', good)
    expect(imported.body).toEqual({ imported: 2, measurements: 3 })
    const c = await call('contractorA', 'GET', '/api/v1/campaigns/c-2025-c')
    expect(c.body).toMatchObject({
      organisationId: 'ctv-a',
      endedOn: '2025-06-02',
      measurements: [
        {
          zoneId: 'plant-c-line',
          factor: 'noise',
          samples: 4,
          samplesOverLimit: 1,
          values: [82, 84, 86, 91],
          unit: 'dBA',
        },
        { factor: 'temperature', samples: 2 },
      ],
    })
    expect((await call('officerA', 'POST', '/api/v1/campaigns/import', good)).status).toBe(403)
  })

  it('shows campaigns to the keys that reach their facility, filtered by period', async () => {
    const listed = await call('officerA', 'GET', '/api/v1/campaigns')
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual(['c-2025-a'])
    expect((await call('officerB', 'GET', '/api/v1/campaigns')).body.items).toEqual([])
    expect((await call('officerB', 'GET', '/api/v1/campaigns/c-2025-a')).status).toBe(403)
    expect((await call('officerB', 'GET', '/api/v1/campaigns?facility=plant-a')).status).toBe(403)
    const year = await call('regulator', 'GET', '/api/v1/campaigns?period=2025')
    expect(year.body.items.map((c: { id: string }) => c.id)).toEqual(['c-2025-c', 'c-2025-a'])
    expect((await call('regulator', 'GET', '/api/v1/campaigns?period=2024')).body.total).toBe(1)
  })

  it('counts a facility monitored by a campaign beside its sensors, and says which source counted it', async () => {
    const { body } = await call('regulator', 'GET', '/api/v1/reports/coverage?period=2025')
    expect(body).toMatchObject({
      hazardousFacilities: 3,
      monitoredFacilities: 2,
      monitoredBySource: { continuous: 0, campaign: 1, both: 1 },
      previousPeriod: { monitoredFacilities: 1 },
    })
    const rows = body.facilities.map((f: any) => [f.facilityId, f.monitored, f.sources])
    expect(rows).toEqual([
      ['plant-a', true, ['continuous', 'campaign']],
      ['plant-b', false, []],
      ['plant-c', true, ['campaign']],
    ])
    expect(body.facilities[0].factors).toEqual([
      {
        factor: 'noise',
        covered: true,
        coverage: 1,
        sensorId: 'plant-a-n1',
        sources: ['continuous'],
        campaignIds: [],
      },
      { factor: 'dust.total', covered: true, coverage: 0, sources: ['campaign'], campaignIds: ['c-2025-a'] },
    ])
    const csv = await fetch(
      `${platform.apiUrl}/api/v1/reports/coverage?period=2025&format=csv&table=facilities`,
      {
        headers: { authorization: `Bearer ${keys.regulator}` },
      },
    )
    expect(
      parseCsv(await csv.text())
        .slice(1)
        .map((r) => [r[0], r[5], r[6], r[7], r[8], r[10]]),
    ).toEqual([
      ['plant-a', 'true', 'continuous;campaign', 'noise', 'dust.total', 'c-2025-a'],
      ['plant-b', 'false', '', '', '', ''],
      ['plant-c', 'true', 'campaign', '', 'noise', 'c-2025-c'],
    ])
  })

  it('lets only the recording organisation or an admin withdraw a campaign', async () => {
    expect((await call('contractorB', 'DELETE', '/api/v1/campaigns/c-2024-c')).status).toBe(403)
    expect((await call('officerA', 'DELETE', '/api/v1/campaigns/c-2025-a')).status).toBe(403)
    expect((await call('contractorA', 'DELETE', '/api/v1/campaigns/c-2024-c')).status).toBe(204)
    expect((await call('admin', 'GET', '/api/v1/campaigns/c-2024-c')).status).toBe(404)
  })

  it('records in the audit trail who recorded, imported and withdrew each campaign', async () => {
    const { body } = await call('admin', 'GET', '/api/v1/audit?limit=500&facility=plant-c')
    const entries = body.items
      .filter((e: { target: { type: string } }) => e.target.type === 'campaign')
      .map((e: any) => [e.action, e.target.id, e.actor.name, e.before?.id, e.after?.id])
    expect(entries).toEqual(
      expect.arrayContaining([
        ['campaign.import', 'c-2025-c', 'Quan trắc viên A', undefined, 'c-2025-c'],
        ['campaign.import', 'c-2024-c', 'Quan trắc viên A', undefined, 'c-2024-c'],
        ['campaign.withdraw', 'c-2024-c', 'Quan trắc viên A', 'c-2024-c', undefined],
      ]),
    )
    const recorded = await call('admin', 'GET', '/api/v1/audit?action=campaign.record&facility=plant-a')
    expect(
      recorded.body.items.map((e: any) => [e.target.id, e.actor.role, e.after.measurements.length]),
    ).toEqual([['c-2025-a', 'contractor', 2]])
  })
})
