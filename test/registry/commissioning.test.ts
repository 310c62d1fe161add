import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { beforeEach, describe, expect, it } from 'vitest'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import type { RegistryDatabase } from '../../registry/types.ts'
import { migrate } from '../../sqlite/database.ts'
import { testFacility } from '../support/platform.ts'
import { describeEachRegistry } from '../support/registries.ts'

const meter = { facilityId: 'f', model: 'm', serial: '', factors: ['noise' as const] }

/** Commissioning progress and zone names as the registry keeps them (SQLite 020, PostgreSQL 003). */
describeEachRegistry('commissioning in the registry', (opened) => {
  let registry: RegistryDatabase

  beforeEach(async () => {
    registry = opened().registry
    await registry.createFacility(testFacility('f'))
  })

  it('starts a new sensor with no progress, commissioning', async () => {
    const sensor = await registry.createSensor({ ...meter, id: 's1' }, 'h')
    expect(sensor.commissioning).toEqual({ factorsSeen: {} })
    expect(await registry.sensorAccess('s1')).toMatchObject({ commissioned: false })
  })

  it('keeps what ingest recorded, and the first time the checklist was met for good', async () => {
    await registry.createSensor({ ...meter, id: 's1' }, 'h')
    const progress = {
      firstReadingAt: 1000,
      factorsSeen: { noise: 5000 },
      runStart: 1000,
      runIntervalS: 60,
      lastReadingAt: 5000,
      keptIntervalS: 60,
    }
    await registry.recordCommissioning(new Map([['s1', progress]]))
    expect((await registry.getSensor('s1'))?.commissioning).toEqual(progress)
    await registry.recordCommissioning(new Map([['s1', { ...progress, commissionedAt: 9000 }]]))
    // A second writer that judged it later does not move the date.
    await registry.recordCommissioning(new Map([['s1', { ...progress, commissionedAt: 12_000 }]]))
    expect((await registry.getSensor('s1'))?.commissioning.commissionedAt).toBe(9000)
    expect(await registry.sensorAccess('s1')).toMatchObject({ commissioned: true })
  })

  it('skips a sensor it does not know instead of failing the batch', async () => {
    await registry.createSensor({ ...meter, id: 's1' }, 'h')
    await registry.recordCommissioning(
      new Map([
        ['nobody', { factorsSeen: {} }],
        ['s1', { factorsSeen: { noise: 1 }, firstReadingAt: 1 }],
      ]),
    )
    expect((await registry.getSensor('s1'))?.commissioning.firstReadingAt).toBe(1)
  })

  it('registers a sensor commissioned earlier (history) as commissioned', async () => {
    const sensor = await registry.createSensor({ ...meter, id: 'old', commissionedAt: 42 }, 'h')
    expect(sensor.commissioning).toEqual({ factorsSeen: {}, commissionedAt: 42 })
  })

  it('renames a zone of the facility, and only of that facility', async () => {
    await registry.createFacility(testFacility('g'))
    await registry.createZone({ id: 'z', facilityId: 'f', name: 'Kiln' })
    await registry.renameZone('f', 'z', 'Kiln 2')
    expect((await registry.listZones('f')).map((zone) => zone.name)).toEqual(['Kiln 2'])
    await expect(registry.renameZone('g', 'z', 'Mine')).rejects.toThrow('no zone z at facility g')
  })
})

// PostgreSQL's migration 003 is tried on a database from before it in postgres-migrations.test.ts.
describe('the SQLite registry’s migration 020', () => {
  it('counts sensors from before migration 020 as commissioned when they reported or cannot report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quantrac-commissioning-'))
    const path = join(dir, 'old.sqlite')
    const db = new DatabaseSync(path)
    migrate(db, new URL('../../registry/sqlite/migrations/', import.meta.url), 17)
    db.exec(
      `INSERT INTO facility (id, name, province, sector, profile, shifts) VALUES ('f', 'F', 'Hà Nội', 'x', 'qcvn', '{}')`,
    )
    const insert = db.prepare(
      `INSERT INTO sensor (id, facility_id, model, factors, secret_hash, last_seen_at) VALUES (?, 'f', 'm', '["noise"]', ?, ?)`,
    )
    insert.run('reported', 'hash', 1000)
    insert.run('history', null, null)
    insert.run('fitted', 'hash', null)
    db.close()
    const registry = openSqliteRegistry(path)
    const state = async (id: string) => (await registry.getSensor(id))?.commissioning.commissionedAt
    expect(await state('reported')).toBe(0)
    expect(await state('history')).toBe(0)
    expect(await state('fitted')).toBeUndefined()
    registry.close()
    await rm(dir, { recursive: true, force: true })
  })
})
