import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Reading } from '../../core/contract.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { type Platform, startPlatform } from '../support/platform.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const at = (local: string) => Date.parse(`${local}+07:00`)

/** A reading in each hour of one 07:00–15:00 shift for `days` days from `from`. */
function shiftHours(facilityId: string, sensorId: string, from: string, days: number): Reading[] {
  const start = at(`${from}T07:00:00`)
  return Array.from({ length: days * 8 }, (_, i) => ({
    facilityId,
    sensorId,
    factor: 'noise' as const,
    time: start + Math.floor(i / 8) * DAY + (i % 8) * HOUR + 60_000,
    value: 80,
  }))
}

/**
 * Facilities registered under provinces of before 2025-07-01 are mapped to today's units, so that a report
 * over 2024, or across the merger, counts the same territory as one over 2025.
 */
describe('provinces of the 2025 list', () => {
  let platform: Platform
  let regulator: string

  beforeAll(async () => {
    platform = await startPlatform()
    regulator = (await issueApiKey(platform.registry, { name: 'Sở Y tế', role: 'regulator' })).token
  })

  afterAll(async () => {
    await platform?.stop()
  })

  it('lists the 34 units with their codes and the 63 former units they absorbed', async () => {
    const { status, body } = await platform.call('GET', '/api/v1/provinces', undefined, regulator)
    expect(status).toBe(200)
    expect(body.inForceFrom).toBe('2025-07-01')
    expect(body.items).toHaveLength(34)
    expect(body.items).toContainEqual({
      code: '79',
      name: 'Hồ Chí Minh',
      kind: 'city',
      formedFrom: ['Bình Dương', 'Bà Rịa - Vũng Tàu', 'Hồ Chí Minh'],
    })
    expect(body.formerUnits).toHaveLength(63)
    expect((await platform.call('GET', '/api/v1/provinces', undefined, null)).status).toBe(401)
  })

  it('says how a name is read: the current unit, the former one, and a note', async () => {
    const path = `/api/v1/provinces/resolve?name=${encodeURIComponent('Hoà Bình')}`
    expect((await platform.call('GET', path, undefined, regulator)).body).toEqual({
      code: '25',
      name: 'Phú Thọ',
      formerProvince: 'Hoà Bình',
      note: 'province "Hoà Bình" is a unit before 2025-07-01: mapped to Phú Thọ (25)',
    })
    const unknown = await platform.call('GET', '/api/v1/provinces/resolve?name=Mars', undefined, regulator)
    expect(unknown.status).toBe(404)
    expect(unknown.body.message).toMatch(/"Mars" is no provincial unit/)
    expect((await platform.call('GET', path, undefined, null)).status).toBe(401)
  })

  it('imports facilities under old province names, maps them and says so line by line', async () => {
    const csv = [
      'id,name,province,sector,hazards,shifts,workers,registeredAt',
      'bd-1,Nhà máy may Thuận An,Bình Dương,garment,noise,07:00,300,2020-03-01',
      'hn-1,Nhà máy xi măng Bút Sơn,Hà Nam,cement,noise,07:00,500,2020-03-01',
      'th-1,Nhà máy xi măng Bỉm Sơn,Thanh Hoá,cement,noise,07:00,400,2020-03-01',
      'la-1,Xưởng Bến Lức,Long An,garment,noise,07:00,80,2020-03-01',
      'hcm-1,Xưởng Thủ Đức,TP. Hồ Chí Minh,garment,noise,07:00,120,2024-06-01',
      'vt-1,Nhà máy thép Phú Mỹ,Ba Ria Vung Tau,steel,noise,07:00,700,2020-03-01',
    ].join('\n')
    const { status, body } = await platform.call('POST', '/api/v1/facilities/import', csv)
    expect(status).toBe(200)
    expect(body.imported).toBe(6)
    // Current names in another spelling (Thanh Hoá, TP. Hồ Chí Minh) are no mapping and not listed.
    expect(body.mapped).toEqual([
      {
        line: 2,
        id: 'bd-1',
        given: 'Bình Dương',
        province: 'Hồ Chí Minh',
        provinceCode: '79',
        formerProvince: 'Bình Dương',
        note: 'province "Bình Dương" is a unit before 2025-07-01: mapped to Hồ Chí Minh (79)',
      },
      {
        line: 3,
        id: 'hn-1',
        given: 'Hà Nam',
        province: 'Ninh Bình',
        provinceCode: '37',
        formerProvince: 'Hà Nam',
        note: 'province "Hà Nam" is a unit before 2025-07-01: mapped to Ninh Bình (37)',
      },
      {
        line: 5,
        id: 'la-1',
        given: 'Long An',
        province: 'Tây Ninh',
        provinceCode: '80',
        formerProvince: 'Long An',
        note: 'province "Long An" is a unit before 2025-07-01: mapped to Tây Ninh (80)',
      },
      {
        line: 7,
        id: 'vt-1',
        given: 'Ba Ria Vung Tau',
        province: 'Hồ Chí Minh',
        provinceCode: '79',
        formerProvince: 'Bà Rịa - Vũng Tàu',
        note: 'province "Ba Ria Vung Tau" (read without diacritics) is a unit before 2025-07-01: mapped to Hồ Chí Minh (79)',
      },
    ])
    const bd = await platform.call('GET', '/api/v1/facilities/bd-1', undefined, regulator)
    expect(bd.body).toMatchObject({
      province: 'Hồ Chí Minh',
      provinceCode: '79',
      formerProvince: 'Bình Dương',
      registeredAt: '2020-02-29T17:00:00.000Z',
    })
    const th = await platform.call('GET', '/api/v1/facilities/th-1', undefined, regulator)
    expect(th.body).toMatchObject({ province: 'Thanh Hóa', provinceCode: '38' })
    expect(th.body.formerProvince).toBeUndefined()
  })

  it('refuses a province that is no unit, old or new, naming the line, and imports nothing', async () => {
    const csv = 'id,name,province,sector\nx-1,X,Hà Nội,garment\nx-2,Y,Sài Gòn Mới,garment\n'
    const { status, body } = await platform.call('POST', '/api/v1/facilities/import', csv)
    expect(status).toBe(400)
    expect(body.message).toMatch(/line 3: province: "Sài Gòn Mới" is no provincial unit/)
    expect((await platform.call('GET', '/api/v1/facilities/x-1')).status).toBe(404)
    const posted = await platform.call('POST', '/api/v1/facilities', {
      id: 'x-3',
      name: 'X',
      province: 'Atlantis',
      sector: 'garment',
    })
    expect(posted.status).toBe(400)
    expect(posted.body.message).toMatch(/body\.province: "Atlantis" is no provincial unit/)
  })

  it('registers a facility by a former name with a note, and by a current code', async () => {
    const byName = await platform.call('POST', '/api/v1/facilities', {
      id: 'kg-1',
      name: 'Nhà máy xi măng Kiên Lương',
      province: 'Kiên Giang',
      sector: 'cement',
    })
    expect(byName.status).toBe(201)
    expect(byName.body).toMatchObject({
      province: 'An Giang',
      provinceCode: '91',
      formerProvince: 'Kiên Giang',
    })
    expect(byName.body.notes).toEqual([
      'province "Kiên Giang" is a unit before 2025-07-01: mapped to An Giang (91)',
    ])
    const byCode = await platform.call('POST', '/api/v1/facilities', {
      id: 'bn-1',
      name: 'Xưởng Yên Phong',
      province: '24',
      sector: 'garment',
    })
    expect(byCode.body).toMatchObject({ province: 'Bắc Ninh', provinceCode: '24' })
    const moved = await platform.call('PATCH', '/api/v1/facilities/kg-1', { province: 'Cần Thơ' })
    expect(moved.body).toMatchObject({ province: 'Cần Thơ', provinceCode: '92' })
    expect(moved.body.formerProvince).toBeUndefined()
  })

  it('filters facilities by a province given by its old name, as the current unit', async () => {
    const { body } = await platform.call(
      'GET',
      `/api/v1/facilities?province=${encodeURIComponent('Bình Dương')}`,
      undefined,
      regulator,
    )
    expect(body.items.map((f: { id: string }) => f.id)).toEqual(['bd-1', 'hcm-1', 'vt-1'])
    const unknown = await platform.call('GET', '/api/v1/facilities?province=Nowhere', undefined, regulator)
    expect(unknown.status).toBe(400)
  })

  it('counts the same territory in a report before, across and after 2025-07-01', async () => {
    const { registry, store } = platform
    // bd-1 (old Bình Dương) monitored in 2024 and 2025; hcm-1 (registered 2024-06) monitored in 2025 only.
    for (const id of ['bd-1', 'hcm-1']) {
      await registry.createSensor(
        { id: `${id}-s1`, facilityId: id, model: 'test', serial: id, factors: ['noise'], commissionedAt: 0 },
        'x',
      )
    }
    await store.writeReadings(shiftHours('bd-1', 'bd-1-s1', '2024-01-01', 731))
    await store.writeReadings(shiftHours('hcm-1', 'hcm-1-s1', '2025-01-01', 365))
    const report = async (query: string) =>
      (await platform.call('GET', `/api/v1/reports/coverage?${query}`, undefined, regulator)).body

    const now = await report(`period=2025&province=${encodeURIComponent('Hồ Chí Minh')}`)
    expect(now).toMatchObject({
      province: 'Hồ Chí Minh',
      provinceCode: '79',
      hazardousFacilities: 3,
      monitoredFacilities: 2,
      previousPeriod: { period: '2024', hazardousFacilities: 3, monitoredFacilities: 1 },
      growthPercent: 100,
    })
    // Asked by the old name, the report is the current unit's, and says so.
    const old = await report(`period=2025&province=${encodeURIComponent('Bình Dương')}`)
    expect(old).toMatchObject({ province: 'Hồ Chí Minh', monitoredFacilities: 2 })
    expect(old.notes).toEqual([
      'province "Bình Dương" is a unit before 2025-07-01: mapped to Hồ Chí Minh (79)',
    ])
    // 2024, wholly before the merger: the facility registered under Bình Dương counts as Hồ Chí Minh.
    const before = await report('period=2024')
    expect(before.byProvince.find((p: { code: string }) => p.code === '79')).toMatchObject({
      name: 'Hồ Chí Minh',
      monitoredFacilities: 1,
    })
    expect(before.byProvince.map((p: { name: string }) => p.name)).not.toContain('Bình Dương')
    // The half-year across the merger's day compares with the half before, on one territory.
    const half = await report(`period=2025-H2&province=79`)
    expect(half).toMatchObject({
      period: '2025-H2',
      previousPeriod: { period: '2025-H1', monitoredFacilities: 2 },
      monitoredFacilities: 2,
    })
  })
})
