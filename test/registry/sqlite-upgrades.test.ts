import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import { migrate } from '../../sqlite/database.ts'
import { testAlert } from '../support/alerts.ts'
import { testFacility } from '../support/platform.ts'

// What only a SQLite registry has: files written by older versions, upgraded when it opens. The
// PostgreSQL registry starts at today's schema (registry/postgres/migrations/001); test/registry/
// registry.test.ts holds what both keep.

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

describe('the SQLite registry, opening files of older versions', () => {
  it('upgrades alerts acknowledged before migration 006: the name typed then, without a key id', async () => {
    registry.close()
    const path = join(dir, 'old.sqlite')
    const db = new DatabaseSync(path)
    migrate(db, new URL('../../registry/sqlite/migrations/', import.meta.url), 5)
    db.prepare(
      `INSERT INTO alert (id, facility_id, sensor_id, factor, kind, level, cleared, opened_at, updated_at, body,
         acknowledged_at, acknowledged_by, note) VALUES (?, 'fac-1', 's1', 'noise', 'ceiling', 'alarm', ?, 1000, ?, ?, ?, ?, ?)`,
    ).run('acked', 0, 1000, JSON.stringify(testAlert('acked')), 1500, 'An', 'ear muffs')
    db.prepare(
      `INSERT INTO alert (id, facility_id, sensor_id, factor, kind, level, cleared, opened_at, updated_at, body,
         acknowledged_at, acknowledged_by, note) VALUES (?, 'fac-1', 's1', 'noise', 'ceiling', 'alarm', ?, 1000, ?, ?, ?, ?, ?)`,
    ).run(
      'done',
      1,
      3000,
      JSON.stringify(testAlert('done', { state: 'cleared', clearedAt: 3000 })),
      1200,
      'Bình',
      null,
    )
    db.close()
    registry = openSqliteRegistry(path)
    expect(await registry.get('acked')).toEqual({
      ...testAlert('acked'),
      state: 'acknowledged',
      acknowledgements: [{ by: { name: 'An' }, at: 1500, level: 'alarm', note: 'ear muffs' }],
    })
    expect(await registry.get('done')).toMatchObject({
      state: 'cleared',
      acknowledgements: [{ by: { name: 'Bình' }, at: 1200, level: 'alarm' }],
    })
    expect(
      (await registry.list({ limit: 10, offset: 0, state: 'acknowledged' })).items.map((a) => a.id),
    ).toEqual(['acked'])
    expect((await registry.list({ limit: 10, offset: 0, from: 3500 })).items.map((a) => a.id)).toEqual([
      'acked',
    ])
  })

  it('maps the provinces of facilities written before they were checked, when it opens', async () => {
    await registry.createFacility(testFacility('old', { province: 'Hà Nội' }))
    registry.close()
    const db = new DatabaseSync(join(dir, 'registry.sqlite'))
    db.prepare("UPDATE facility SET province = 'Bà Rịa - Vũng Tàu', province_code = NULL").run()
    db.prepare(
      `INSERT INTO facility (id, name, province, sector, profile, shifts) VALUES ('odd', 'Odd', 'Mars', 'x', 'qcvn', '{"starts":["07:00"],"utcOffsetMinutes":420}')`,
    ).run()
    db.close()
    registry = openSqliteRegistry(join(dir, 'registry.sqlite'))
    expect(await registry.getFacility('old')).toMatchObject({
      province: 'Hồ Chí Minh',
      provinceCode: '79',
      formerProvince: 'Bà Rịa - Vũng Tàu',
    })
    // A name that fits no unit is kept as it was, without a code, and counted in every period.
    expect(await registry.getFacility('odd')).toMatchObject({ province: 'Mars', provinceCode: '' })
    expect((await registry.getFacility('odd'))?.registeredAt).toBeUndefined()
  })
})
