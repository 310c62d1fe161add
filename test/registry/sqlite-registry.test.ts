import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Alert } from '../../core/alerts.ts'
import { ConflictError, NotFoundError } from '../../registry/errors.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import { testFacility } from '../support/platform.ts'

let dir: string
let registry: ReturnType<typeof openSqliteRegistry>

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-registry-'))
  registry = openSqliteRegistry(join(dir, 'registry.sqlite'))
})

afterEach(async () => {
  registry.close()
  await rm(dir, { recursive: true, force: true })
})

function alert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    facilityId: 'fac-1',
    sensorId: 's1',
    factor: 'noise',
    kind: 'ceiling',
    level: 'alarm',
    state: 'open',
    value: 118,
    limit: 115,
    unit: 'dBA',
    source: 'QCVN 24:2016/BYT',
    message: 'too loud',
    openedAt: 1000,
    updatedAt: 1000,
    ...overrides,
  }
}

describe('the SQLite registry', () => {
  it('pages through facilities in id order with the total count', async () => {
    for (const id of ['c', 'a', 'b']) await registry.createFacility(testFacility(id))
    const page = await registry.listFacilities({ limit: 2, offset: 1 })
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 1 })
    expect(page.items.map((f) => f.id)).toEqual(['b', 'c'])
  })

  it('updates a facility in place on a second upsert, and refuses to create it twice', async () => {
    await registry.upsertFacility(testFacility('f', { name: 'Old' }))
    await registry.upsertFacility(testFacility('f', { name: 'New', hazards: ['noise'] }))
    expect(await registry.getFacility('f')).toMatchObject({
      name: 'New',
      hazards: ['noise'],
      contractorIds: [],
    })
    await expect(registry.createFacility(testFacility('f'))).rejects.toBeInstanceOf(ConflictError)
  })

  it('links contractors to the facilities they serve', async () => {
    await registry.createOrganisation({ id: 'c1', name: 'Contractor', kind: 'contractor' })
    await registry.createFacility(testFacility('f', { contractorIds: ['c1'] }))
    await registry.createFacility(testFacility('g'))
    expect(await registry.facilitiesOfContractor('c1')).toEqual(['f'])
    await expect(
      registry.createFacility(testFacility('h', { contractorIds: ['nobody'] })),
    ).rejects.toBeInstanceOf(NotFoundError)
  })

  it('lists the sensors of one facility with their factors and zone', async () => {
    await registry.createFacility(testFacility('f'))
    await registry.createFacility(testFacility('g'))
    await registry.createZone({ id: 'z1', facilityId: 'f', name: 'Kiln' })
    await registry.createSensor(
      { id: 's1', facilityId: 'f', zoneId: 'z1', model: 'm', serial: 'x', factors: ['gas.co'] },
      'h',
    )
    await registry.createSensor(
      { id: 's2', facilityId: 'g', model: 'm', serial: 'y', factors: ['noise'] },
      'h',
    )
    const page = await registry.listSensors({ facilityIds: ['f'], limit: 10, offset: 0 })
    expect(page.items).toEqual([
      {
        id: 's1',
        facilityId: 'f',
        zoneId: 'z1',
        zone: 'Kiln',
        model: 'm',
        serial: 'x',
        factors: ['gas.co'],
        status: 'active',
        reportingIntervalS: 60,
        hasCredentials: true,
      },
    ])
    expect(page.total).toBe(1)
    expect((await registry.listSensors({ facilityIds: [], limit: 10, offset: 0 })).total).toBe(0)
  })

  it('gives ingest the sensor’s own limit variant over its zone’s, and the zone’s once it is removed', async () => {
    await registry.createFacility(testFacility('f'))
    await registry.createZone({ id: 'z', facilityId: 'f', name: 'Kế toán', limitVariant: 'office' })
    const sensor = {
      id: 's',
      facilityId: 'f',
      zoneId: 'z',
      model: 'm',
      serial: '',
      factors: ['noise' as const],
    }
    await registry.createSensor({ ...sensor, sensorLimitVariant: 'intellectual' }, 'h')
    expect((await registry.sensorAccess('s'))?.limitVariant).toBe('intellectual')
    await registry.updateSensor('s', { sensorLimitVariant: null })
    expect((await registry.sensorAccessPage('', 10)).map((access) => access.limitVariant)).toEqual(['office'])
  })

  it('reads sensor access in pages by id', async () => {
    await registry.createFacility(testFacility('f'))
    for (const id of ['s3', 's1', 's2']) {
      await registry.createSensor({ id, facilityId: 'f', model: 'm', serial: '', factors: ['noise'] }, 'h')
    }
    const ids = async (afterId: string) =>
      (await registry.sensorAccessPage(afterId, 2)).map((access) => access.id)
    expect(await ids('')).toEqual(['s1', 's2'])
    expect(await ids('s2')).toEqual(['s3'])
    expect(await ids('s3')).toEqual([])
  })

  it('raises the credential version on rotation and revocation, and drops the secret on decommissioning', async () => {
    await registry.createFacility(testFacility('f'))
    await registry.createSensor(
      { id: 's', facilityId: 'f', model: 'm', serial: '', factors: ['noise'] },
      'h1',
    )
    const first = await registry.sensorAccess('s')
    await registry.setSensorSecret('s', 'h2')
    const rotated = await registry.sensorAccess('s')
    expect(rotated).toMatchObject({ secretHash: 'h2', credentialVersion: first!.credentialVersion + 1 })
    const decommissioned = await registry.decommissionSensor('s')
    expect(decommissioned).toMatchObject({ status: 'decommissioned', hasCredentials: false })
    await expect(registry.setSensorSecret('s', 'h3')).rejects.toBeInstanceOf(ConflictError)
  })
  it('saves states in one go and loads those under a prefix', async () => {
    await registry.saveStates([
      ['exposure-monitor/evaluator/s1/noise', { n: 1 }],
      ['exposure-monitor/alerts', { alerts: [] }],
      ['exposure-monitorx', { other: true }],
    ])
    await registry.saveStates([['exposure-monitor/evaluator/s1/noise', { n: 2 }]])
    expect(await registry.loadStates('exposure-monitor/')).toEqual(
      new Map<string, unknown>([
        ['exposure-monitor/alerts', { alerts: [] }],
        ['exposure-monitor/evaluator/s1/noise', { n: 2 }],
      ]),
    )
  })

  it('keeps an acknowledgement when ingest saves a later update of the same alert', async () => {
    await registry.save(alert('a1'))
    expect(await registry.acknowledge('a1', { by: 'An', at: 1500, note: 'checked' })).toBe(true)
    await registry.save(alert('a1', { value: 120, updatedAt: 2000 }))
    expect(await registry.get('a1')).toMatchObject({
      state: 'acknowledged',
      value: 120,
      acknowledgedBy: 'An',
    })
  })

  it('refuses to acknowledge an alert twice, or a cleared one', async () => {
    await registry.save(alert('a1'))
    await registry.save(alert('a2', { state: 'cleared', clearedAt: 3000 }))
    expect(await registry.acknowledge('a1', { by: 'An', at: 1 })).toBe(true)
    expect(await registry.acknowledge('a1', { by: 'Bình', at: 2 })).toBe(false)
    expect(await registry.acknowledge('a2', { by: 'An', at: 1 })).toBe(false)
    expect(await registry.acknowledge('missing', { by: 'An', at: 1 })).toBe(false)
  })

  it('filters alerts by state, newest first', async () => {
    await registry.save(alert('old', { openedAt: 1 }))
    await registry.save(alert('new', { openedAt: 2 }))
    await registry.save(alert('gone', { openedAt: 3, state: 'cleared' }))
    await registry.acknowledge('old', { by: 'An', at: 5 })
    const ids = async (state?: 'active' | 'open' | 'acknowledged' | 'cleared') =>
      (await registry.list({ state, limit: 10, offset: 0 })).items.map((a) => a.id)
    expect(await ids()).toEqual(['gone', 'new', 'old'])
    expect(await ids('active')).toEqual(['new', 'old'])
    expect(await ids('open')).toEqual(['new'])
    expect(await ids('acknowledged')).toEqual(['old'])
    expect(await ids('cleared')).toEqual(['gone'])
  })

  it('treats ids with SQL in them as plain values', async () => {
    expect(await registry.getFacility("x' OR '1'='1")).toBeUndefined()
  })
})
