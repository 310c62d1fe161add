import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

describe('registering facilities, zones and sensors through the API', () => {
  let platform: Platform

  beforeAll(async () => {
    platform = await startPlatform()
  })

  afterAll(async () => {
    await platform?.stop()
  })

  it('creates a facility with defaults, refuses a duplicate, and pages through the list', async () => {
    const created = await platform.call('POST', '/api/v1/facilities', {
      id: 'mine-1',
      name: 'Mỏ than Hà Lầm',
      province: 'Quảng Ninh',
      sector: 'coal-mining',
      hazards: ['dust.respirable', 'gas.co', 'gas.lel'],
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ profile: 'qcvn', workers: 0, shifts: { utcOffsetMinutes: 420 } })
    expect((await platform.call('POST', '/api/v1/facilities', testFacility('mine-1'))).status).toBe(409)
    await platform.call('POST', '/api/v1/facilities', testFacility('mine-2'))
    const page = await platform.call('GET', '/api/v1/facilities?limit=1&offset=1')
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1, items: [{ id: 'mine-2' }] })
  })

  it('explains what is wrong with a bad facility', async () => {
    const response = await platform.call('POST', '/api/v1/facilities', {
      id: 'bad id',
      name: '',
      province: 'X',
      sector: 'Y',
      hazards: ['radiation'],
      shifts: { starts: ['25:00'], utcOffsetMinutes: 420 },
    })
    expect(response.status).toBe(400)
    for (const field of ['id', 'name', 'province', 'hazards', 'shifts']) {
      expect(response.body.message).toContain(field)
    }
  })

  it('changes only the fields a PATCH names', async () => {
    const patched = await platform.call('PATCH', '/api/v1/facilities/mine-1', { workers: 850 })
    expect(patched.body).toMatchObject({ workers: 850, hazards: ['dust.respirable', 'gas.co', 'gas.lel'] })
    expect((await platform.call('PATCH', '/api/v1/facilities/nope', { workers: 1 })).status).toBe(404)
  })

  it('imports facilities from CSV, all lines or none, naming the bad line', async () => {
    const header = 'id,name,province,sector,hazards,shifts,workers'
    const bad = `${header}\nf-1,Xưởng 1,Đồng Nai,garment,noise,,40\nf-2,Xưởng 2,Đồng Nai,garment,noise;laser,,40\n`
    const refused = await platform.call('POST', '/api/v1/facilities/import', bad)
    expect(refused.status).toBe(400)
    expect(refused.body.message).toMatch(/line 3: hazards/)
    expect((await platform.call('GET', '/api/v1/facilities/f-1')).status).toBe(404)
    const good = `${header}\nf-1,Xưởng 1,Đồng Nai,garment,noise;dust.total,07:00;19:00,40\n"f-2","Xưởng ""2""",Đồng Nai,garment,,,12\n`
    expect((await platform.call('POST', '/api/v1/facilities/import', good)).body).toEqual({
      imported: 2,
      mapped: [],
    })
    expect((await platform.call('GET', '/api/v1/facilities/f-1')).body).toMatchObject({
      hazards: ['noise', 'dust.total'],
      shifts: { starts: ['07:00', '19:00'] },
    })
    expect((await platform.call('GET', '/api/v1/facilities/f-2')).body.name).toBe('Xưởng "2"')
    expect((await platform.call('POST', '/api/v1/facilities/import', 'id,colour\nx,red')).status).toBe(400)
  })

  it('adds zones with a limit variant of the facility’s profile, and refuses an unknown one', async () => {
    const office = await platform.call('POST', '/api/v1/facilities/mine-1/zones', {
      id: 'mine-1-office',
      name: 'Phòng kế toán',
      limitVariant: 'office',
    })
    expect(office.status).toBe(201)
    const unknown = await platform.call('POST', '/api/v1/facilities/mine-1/zones', {
      id: 'mine-1-x',
      name: 'X',
      limitVariant: 'spaceship',
    })
    expect(unknown.status).toBe(400)
    expect((await platform.call('GET', '/api/v1/facilities/mine-1/zones')).body.items).toHaveLength(1)
  })

  it('registers a sensor once, shows its credentials once, and flags an overdue calibration', async () => {
    const body = {
      id: 'mine-1-dust',
      facilityId: 'mine-1',
      zoneId: 'mine-1-office',
      model: 'optical',
      factors: ['dust.respirable'],
      calibratedAt: '2025-01-10T00:00:00Z',
      calibrationDue: '2026-01-10T00:00:00Z',
    }
    const created = await platform.call('POST', '/api/v1/sensors', body)
    expect(created.status).toBe(201)
    expect(created.body.credentials).toMatchObject({
      username: 'mine-1-dust',
      topic: 'quantrac/v1/readings/mine-1/mine-1-dust',
    })
    expect(created.body.credentials.password.length).toBeGreaterThanOrEqual(43)
    const read = await platform.call('GET', '/api/v1/sensors/mine-1-dust')
    expect(read.body).toMatchObject({
      zone: 'Phòng kế toán',
      limitVariant: 'office',
      calibrationOverdue: true,
      hasCredentials: true,
    })
    expect(JSON.stringify(read.body)).not.toContain(created.body.credentials.password)
    expect((await platform.call('POST', '/api/v1/sensors', body)).status).toBe(409)
    const patched = await platform.call('PATCH', '/api/v1/sensors/mine-1-dust', {
      calibrationDue: '2027-01-10T00:00:00Z',
    })
    expect(patched.body).toMatchObject({
      calibrationOverdue: false,
      reportingIntervalS: 60,
      zoneId: 'mine-1-office',
    })
    const orphan = await platform.call('POST', '/api/v1/sensors', { ...body, id: 'x', facilityId: 'nowhere' })
    expect(orphan.status).toBe(404)
  })

  it('lets a sensor carry its own limit variant over its zone’s, validated against the facility’s profile', async () => {
    const body = {
      id: 'mine-1-desk',
      facilityId: 'mine-1',
      zoneId: 'mine-1-office',
      model: 'meter',
      factors: ['noise'],
    }
    const unknown = await platform.call('POST', '/api/v1/sensors', {
      ...body,
      sensorLimitVariant: 'spaceship',
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body.message).toMatch(/no variant spaceship \(known: .*intellectual/)
    const created = await platform.call('POST', '/api/v1/sensors', {
      ...body,
      sensorLimitVariant: 'intellectual',
    })
    expect(created.status).toBe(201)
    expect(created.body.sensor).toMatchObject({
      limitVariant: 'intellectual',
      sensorLimitVariant: 'intellectual',
      zoneLimitVariant: 'office',
    })
    expect(
      (await platform.call('PATCH', '/api/v1/sensors/mine-1-desk', { sensorLimitVariant: 'x' })).status,
    ).toBe(400)
    const cleared = await platform.call('PATCH', '/api/v1/sensors/mine-1-desk', { sensorLimitVariant: null })
    expect(cleared.body).toMatchObject({ limitVariant: 'office', zoneLimitVariant: 'office' })
    expect(cleared.body.sensorLimitVariant).toBeUndefined()
    const kept = await platform.call('PATCH', '/api/v1/sensors/mine-1-desk', {
      sensorLimitVariant: 'production',
    })
    expect(kept.body.limitVariant).toBe('production')
    expect(
      (await platform.call('PATCH', '/api/v1/sensors/mine-1-desk', { model: 'meter 2' })).body,
    ).toMatchObject({
      model: 'meter 2',
      limitVariant: 'production',
    })
  })

  it('refuses to change a facility’s profile while its zones or sensors name variants the new one lacks', async () => {
    const refused = await platform.call('PATCH', '/api/v1/facilities/mine-1', { profile: 'osha' })
    expect(refused.status).toBe(409)
    expect(refused.body.message).toMatch(/zone mine-1-office \(office\)/)
    expect((await platform.call('GET', '/api/v1/facilities/mine-1')).body.profile).toBe('qcvn')
  })

  it('serves the limits of a zone’s variant, and says which variants exist when asked for another', async () => {
    const office = await platform.call('GET', '/api/v1/limits?profile=qcvn&variant=office')
    const noise = office.body.factors.find((f: { factor: string }) => f.factor === 'noise')
    expect(noise.twa).toMatchObject({ value: 65, source: expect.stringContaining('QCVN 24') })
    const plain = await platform.call('GET', '/api/v1/limits?profile=qcvn')
    expect(plain.body.factors.find((f: { factor: string }) => f.factor === 'noise').twa.value).toBe(85)
    // Each source and the profile's name in both languages (core/messages).
    expect(plain.body.names.vi).toMatch(/^Quy chuẩn kỹ thuật quốc gia Việt Nam/)
    expect(plain.body.factors.find((f: { factor: string }) => f.factor === 'noise').ceiling.sources).toEqual({
      vi: 'QCVN 24:2016/BYT, 2.1.1: mức tối đa không được vượt quá 115 dBA tại bất kỳ thời điểm nào',
      en: 'QCVN 24:2016/BYT, 2.1.1: Max at no moment above 115 dBA',
    })
    const unknown = await platform.call('GET', '/api/v1/limits?profile=qcvn&variant=spaceship')
    expect(unknown.status).toBe(400)
    expect(unknown.body.message).toContain('office')
  })

  it('judges a sensor in an office zone by the office limit in the live engine', async () => {
    await platform.call('POST', '/api/v1/facilities/mine-1/zones', {
      id: 'mine-1-office-2',
      name: 'Kế toán',
      limitVariant: 'office',
    })
    const created = await platform.call('POST', '/api/v1/sensors', {
      id: 'mine-1-office-noise',
      facilityId: 'mine-1',
      zoneId: 'mine-1-office-2',
      model: 'meter',
      factors: ['noise'],
    })
    const sensor = await platform.connectSensor(created.body.credentials)
    // Four hours at 72 dBA: 2.5 times the office's daily dose (65 dBA), 2.5 % of the shop floor's (85 dBA).
    const start = Date.now() - 4 * 3_600_000 - 60_000
    for (let minute = 0; minute <= 240; minute++) {
      await sensor.publishAsync(
        created.body.credentials.topic,
        JSON.stringify({ factor: 'noise', value: 72, unit: 'dBA', ts: start + minute * 60_000 }),
        { qos: 1 },
      )
    }
    await sensor.endAsync()
    await waitUntil(
      async () => {
        const alerts = await platform.call('GET', '/api/v1/alerts?facility=mine-1')
        return alerts.body.items.some(
          (a: { kind: string; sensorId: string }) =>
            a.kind === 'dose' && a.sensorId === 'mine-1-office-noise',
        )
      },
      15_000,
      () => 'no dose alert for the office sensor',
    )
  })
})
