import ExcelJS from 'exceljs'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseCsv } from '../../api/csv.ts'
import type { Reading } from '../../core/contract.ts'
import { readingsTopic } from '../../core/topics.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { type Platform, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

const HOUR = 3_600_000
const at = (local: string) => Date.parse(`${local}+07:00`)
const ONE_SHIFT = { starts: ['07:00'], utcOffsetMinutes: 420 }
const REGISTERED = '2020-01-01'

/** `values` as readings spread over one clock hour starting at `local`. */
function hour(
  facilityId: string,
  sensorId: string,
  factor: Reading['factor'],
  local: string,
  values: number[],
) {
  const start = at(local)
  return values.map((value, i) => ({
    facilityId,
    sensorId,
    factor,
    value,
    time: start + Math.floor(((i + 0.5) * HOUR) / values.length),
  }))
}

/**
 * The hand-counted fixture of Bắc Ninh's 2025 report (07:00–15:00 shifts).
 *
 * | facility (workers)               | zone (workers)  | source                      | table 1                       | table 2              |
 * | -------------------------------- | --------------- | --------------------------- | ----------------------------- | -------------------- |
 * | f1 Nhà máy dệt Yên Phong (200)   | f1-weave (50)   | sensor f1-noise, 2025-03-03 | noise 7 / 3                   |                      |
 * |                                  | f1-dye (30)     | sensor f1-co, 2025-03-04    | toxic gas 4 / 1               |                      |
 * |                                  | f1-dye          | campaign c-f1, 2025-05-10   | temperature 4 / 1, light 6 / 2 | total 3 / 1, silica 2 / 0 |
 * | f2 Cơ sở cơ khí Việt Yên (60)    | f2-shop (—)     | campaign c-f2, 2025-11-20   | noise 5 / 1                   |                      |
 * | f3, registered 2026-01-15        |                 | campaign c-f3, 2025-12-01   | not counted                   |                      |
 * | f4 in Hà Nội                     |                 | campaign c-f4               | another province              |                      |
 *
 * f1-noise: 07–10 h at 80 dBA (within), 11 and 12 h at 90 (mean over 85), 13 h a mean of 76 with a 120 dBA
 * peak (over the 115 dBA ceiling); 20 h at 95 is outside working hours. f1-co: 07–09 h at 10 ppm, 10 h at
 * 30 ppm (over QCVN 03's 20 mg/m³ = 17.5 ppm); a reading on 2025-07-01, after its calibration fell due on
 * 2025-06-01, is no sample. Workers in contact: f1 80 in table 1 (both zones), 30 in table 2 (f1-dye);
 * f2 none counted. Monitored / reporting: 1 / 2 (f2 by its campaign; f1 lacks noise coverage).
 */
const influxUrl = inject('influxUrl')
const stores = [
  { name: 'SQLite', influxUrl: undefined },
  ...(influxUrl ? [{ name: 'InfluxDB 1.x', influxUrl }] : []),
]

describe.each(stores)('the provincial report of working-environment monitoring on $name', ({ influxUrl }) => {
  let platform: Platform
  let regulator: string
  let contractor: string
  let officer: string

  const measurement = (zoneId: string, factor: string, samples: number, samplesOverLimit: number) => ({
    zoneId,
    factor,
    samples,
    samplesOverLimit,
  })
  async function record(id: string, facilityId: string, endedOn: string, measurements: unknown[]) {
    const response = await platform.call(
      'POST',
      '/api/v1/campaigns',
      {
        id,
        facilityId,
        declaration: { reference: '15/CB-SYT', publishedBy: 'Sở Y tế Bắc Ninh' },
        startedOn: endedOn,
        endedOn,
        measurements,
      },
      contractor,
    )
    if (response.status !== 201) throw new Error(`campaign ${id}: ${JSON.stringify(response.body)}`)
  }

  beforeAll(async () => {
    platform = await startPlatform({ influxUrl })
    const { registry, store } = platform
    await registry.createOrganisation({ id: 'ctv', name: 'Trung tâm Quan trắc', kind: 'contractor' })
    contractor = (await issueApiKey(registry, { name: 'ctv', role: 'contractor', organisationId: 'ctv' }))
      .token
    regulator = (await issueApiKey(registry, { name: 'Sở Y tế Bắc Ninh', role: 'regulator' })).token
    const facilities = [
      {
        id: 'f1',
        name: 'Nhà máy dệt Yên Phong',
        province: 'Bắc Ninh',
        workers: 200,
        hazards: ['noise', 'gas.co'],
      },
      { id: 'f2', name: 'Cơ sở cơ khí Việt Yên', province: 'Bắc Giang', workers: 60, hazards: ['noise'] },
      {
        id: 'f3',
        name: 'Xưởng mới',
        province: 'Bắc Ninh',
        workers: 10,
        hazards: ['noise'],
        registeredAt: '2026-01-15',
      },
      { id: 'f4', name: 'Công trường Cầu Giấy', province: 'Hà Nội', workers: 90, hazards: ['noise'] },
    ]
    for (const f of facilities) {
      const created = await platform.call('POST', '/api/v1/facilities', {
        registeredAt: REGISTERED,
        shifts: ONE_SHIFT,
        sector: f.id === 'f1' ? 'textiles' : 'mechanical',
        contractorIds: ['ctv'],
        ...f,
      })
      if (created.status !== 201) throw new Error(JSON.stringify(created.body))
    }
    officer = (await issueApiKey(registry, { name: 'officer', role: 'officer', facilityId: 'f1' })).token
    const zones = [
      ['f1', 'f1-weave', 50],
      ['f1', 'f1-dye', 30],
      ['f2', 'f2-shop', undefined],
      ['f3', 'f3-line', 5],
      ['f4', 'f4-site', 40],
    ] as const
    for (const [facilityId, id, workers] of zones) {
      await platform.call(
        'POST',
        `/api/v1/facilities/${facilityId}/zones`,
        { id, name: id, workers },
        contractor,
      )
    }
    await registry.createSensor(
      {
        id: 'f1-noise',
        facilityId: 'f1',
        zoneId: 'f1-weave',
        model: 't',
        serial: '1',
        factors: ['noise'],
        commissionedAt: 0,
      },
      'x',
    )
    await registry.createSensor(
      {
        id: 'f1-co',
        facilityId: 'f1',
        zoneId: 'f1-dye',
        model: 't',
        serial: '2',
        factors: ['gas.co'],
        commissionedAt: 0,
        calibrationDue: at('2025-06-01T00:00:00'),
      },
      'x',
    )
    const noise = (h: string, values: number[]) =>
      hour('f1', 'f1-noise', 'noise', `2025-03-03T${h}:00:00`, values)
    const co = (day: string, h: string, values: number[]) =>
      hour('f1', 'f1-co', 'gas.co', `${day}T${h}:00:00`, values)
    await store.writeReadings([
      ...['07', '08', '09', '10'].flatMap((h) => noise(h, [80, 80, 80, 80])),
      ...noise('11', [90, 90]),
      ...noise('12', [90, 90]),
      ...noise('13', [70, 70, 70, 70, 70, 70, 70, 120]),
      ...noise('20', [95]),
      ...['07', '08', '09'].flatMap((h) => co('2025-03-04', h, [10, 10])),
      ...co('2025-03-04', '10', [30, 30]),
      ...co('2025-07-01', '07', [30]),
    ])
    await record('c-f1', 'f1', '2025-05-10', [
      measurement('f1-dye', 'temperature', 4, 1),
      measurement('f1-dye', 'light', 6, 2),
      measurement('f1-dye', 'dust.total', 3, 1),
      measurement('f1-dye', 'dust.silica', 2, 0),
      measurement('f1-weave', 'humidity', 0, 0),
    ])
    await record('c-f2', 'f2', '2025-11-20', [measurement('f2-shop', 'noise', 5, 1)])
    await record('c-f3', 'f3', '2025-12-01', [measurement('f3-line', 'noise', 9, 9)])
    await record('c-f4', 'f4', '2025-06-01', [measurement('f4-site', 'noise', 7, 7)])
  })

  afterAll(async () => {
    await platform?.stop()
  })

  const get = (query: string, key = regulator) =>
    fetch(`${platform.apiUrl}/api/v1/reports/provincial?${query}`, {
      headers: { authorization: `Bearer ${key}` },
    })

  it('counts monitored and reporting facilities of the province, those registered after the period left out', async () => {
    const response = await get(`period=2025&province=${encodeURIComponent('Bắc Ninh')}`)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body).toMatchObject({
      period: '2025',
      complete: true,
      province: { code: '24', name: 'Bắc Ninh' },
      monitoredFacilities: 1,
      reportingFacilities: 2,
    })
  })

  it('fills table 1 from both sources, as counted by hand', async () => {
    const body = await (await get('period=2025&province=24')).json()
    const { rows, totals } = body.physical
    expect(body.physical.columns.map((c: { heading: string }) => c.heading)).toEqual([
      'Nhiệt độ',
      'Độ ẩm',
      'Tốc độ gió',
      'Ánh sáng',
      'Ồn',
      'Rung',
      'HK độc',
      'Phóng xạ',
      'Điện, Từ trường',
      'Yếu tố khác',
    ])
    const pairs = (cells: Record<string, { samples: number; failing: number }>) =>
      Object.fromEntries(Object.entries(cells).map(([k, c]) => [k, [c.samples, c.failing]]))
    expect(rows.map((r: any) => [r.no, r.facilityId, r.workers, r.workersInContact, pairs(r.cells)])).toEqual(
      [
        [1, 'f2', 60, null, { noise: [5, 1] }],
        [2, 'f1', 200, 80, { noise: [7, 3], 'toxic-gas': [4, 1], temperature: [4, 1], light: [6, 2] }],
      ],
    )
    expect(rows[0].workersInContactIncomplete).toBe(true)
    expect(rows[1].cells.noise).toEqual({
      samples: 7,
      failing: 3,
      continuous: { samples: 7, failing: 3, unjudged: 0 },
      campaign: { samples: 0, failing: 0 },
    })
    expect(rows[1].sources).toEqual({ continuous: true, campaignIds: ['c-f1'] })
    expect(totals.workers).toBe(260)
    expect(totals.workersInContact).toBe(80)
    expect(pairs(totals.cells)).toEqual({
      noise: [12, 4],
      'toxic-gas': [4, 1],
      temperature: [4, 1],
      light: [6, 2],
    })
  })

  it('fills table 2, dust by kind with its total pair', async () => {
    const body = await (await get('period=2025&province=24')).json()
    const [row] = body.dust.rows
    expect(body.dust.rows).toHaveLength(1)
    expect(row).toMatchObject({
      no: 1,
      facilityId: 'f1',
      workersInContact: 30,
      total: { samples: 5, failing: 1 },
    })
    expect(Object.keys(row.cells)).toEqual(['dust-total', 'dust-silica'])
    expect(body.dust.totals.total).toEqual({ samples: 5, failing: 1 })
  })

  it('exports each table as CSV with the annex’s headings and its total row', async () => {
    const response = await get('period=2025&province=24&format=csv&table=physical')
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="provincial-2025-24-physical.csv"',
    )
    const rows = parseCsv(await response.text())
    expect(rows[0]?.slice(0, 8)).toEqual([
      'TT',
      'Tên cơ sở',
      'Tổng số người lao động',
      'Số người tiếp xúc',
      'Nhiệt độ (1)',
      'Nhiệt độ (2)',
      'Độ ẩm (1)',
      'Độ ẩm (2)',
    ])
    expect(rows[0]).toHaveLength(24)
    // temperature, humidity, air speed, light, noise, vibration, toxic gas, radiation, fields, other.
    expect(rows[1]).toEqual([
      '1',
      'Cơ sở cơ khí Việt Yên',
      '60',
      '',
      ...'0 0 0 0 0 0 0 0 5 1 0 0 0 0 0 0 0 0 0 0'.split(' '),
    ])
    expect(rows[2]).toEqual([
      '2',
      'Nhà máy dệt Yên Phong',
      '200',
      '80',
      ...'4 1 0 0 0 0 6 2 7 3 0 0 4 1 0 0 0 0 0 0'.split(' '),
    ])
    expect(rows[3]).toEqual([
      '',
      'Tổng cộng',
      '260',
      '80',
      ...'4 1 0 0 0 0 6 2 12 4 0 0 4 1 0 0 0 0 0 0'.split(' '),
    ])
    const dust = parseCsv(await (await get('period=2025&province=24&format=csv&table=dust')).text())
    expect(dust[0]?.slice(4)).toEqual([
      'Bụi toàn phần (1)',
      'Bụi toàn phần (2)',
      'Bụi hô hấp (1)',
      'Bụi hô hấp (2)',
      'Bụi silic (1)',
      'Bụi silic (2)',
      'Bụi khác (1)',
      'Bụi khác (2)',
      'Tổng số (1)',
      'Tổng số (2)',
    ])
    expect(dust[1]).toEqual([
      '1',
      'Nhà máy dệt Yên Phong',
      '200',
      '30',
      '3',
      '1',
      '0',
      '0',
      '2',
      '0',
      '0',
      '0',
      '5',
      '1',
    ])
  })

  it('builds an XLSX workbook that the library reads back: summary, both tables, sources', async () => {
    const response = await get(`period=2025&province=${encodeURIComponent('Bắc Giang')}&format=xlsx`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="provincial-2025-24.xlsx"')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(await response.arrayBuffer())
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Bảng 1', 'Bảng 2', 'Nguồn số liệu'])

    const summary = workbook.getWorksheet('Tổng hợp')!
    const byLabel = new Map<string, unknown>()
    summary.eachRow((row) => byLabel.set(String(row.getCell(1).value), row.getCell(2).value))
    expect(byLabel.get('Đơn vị báo cáo')).toBe('Sở Y tế Bắc Ninh')
    expect(byLabel.get('Kính gửi')).toBe('Bộ Y tế (Cục Phòng bệnh)')
    expect(byLabel.get('Số cơ sở được quan trắc môi trường lao động/tổng số cơ sở báo cáo')).toBe('1/2')
    expect(byLabel.get('Từ ngày')).toBe('01/01/2025')
    expect(byLabel.get('Đến ngày')).toBe('31/12/2025')

    const table1 = workbook.getWorksheet('Bảng 1')!
    expect(table1.getCell('A2').value).toBe('TT')
    expect(table1.getCell('E2').value).toBe('Nhiệt độ')
    expect(table1.getCell('F2').isMerged).toBe(true)
    expect(table1.getCell('E3').value).toBe('(1)')
    expect(table1.getCell('F3').value).toBe('(2)')
    const f1 = table1.getRow(5).values as unknown[]
    expect(f1.slice(1, 5)).toEqual([2, 'Nhà máy dệt Yên Phong', 200, 80])
    expect(f1.slice(13, 15)).toEqual([7, 3])
    expect(table1.getRow(6).getCell(2).value).toBe('Tổng cộng')
    expect(table1.getRow(6).getCell(13).value).toBe(12)

    const table2 = workbook.getWorksheet('Bảng 2')!
    expect(table2.getCell('M2').value).toBe('Tổng số')
    expect((table2.getRow(4).values as unknown[]).slice(1)).toEqual([
      1,
      'Nhà máy dệt Yên Phong',
      200,
      30,
      3,
      1,
      0,
      0,
      2,
      0,
      0,
      0,
      5,
      1,
    ])

    const sources = workbook.getWorksheet('Nguồn số liệu')!
    const noise = (sources.getSheetValues() as unknown[][]).find((r) => r?.[2] === 'f1' && r?.[4] === 'Ồn')
    expect(noise?.slice(5, 10)).toEqual([7, 3, 0, 0, 0])
  })

  it('is for regulators and admins, and needs a province of the list', async () => {
    expect((await get('period=2025&province=24', officer)).status).toBe(403)
    expect((await get('period=2025&province=24', contractor)).status).toBe(403)
    expect((await fetch(`${platform.apiUrl}/api/v1/reports/provincial?period=2025&province=24`)).status).toBe(
      401,
    )
    const bad = await get('period=2025&province=Nowhere')
    expect(bad.status).toBe(400)
    expect((await bad.json()).message).toMatch(/province: "Nowhere" is no provincial unit/)
    expect((await get('period=2025')).status).toBe(400)
    expect((await get('period=2025&province=24&format=pdf')).status).toBe(400)
  })

  describe('workers to examine', () => {
    let detector: MqttClient
    /** Three hours ago: in the judged part of its year, and accepted by ingest (readings up to 7 days old). */
    const when = Math.floor((Date.now() - 3 * HOUR) / 60_000) * 60_000
    const localDay = new Date(when + 7 * HOUR).toISOString().slice(0, 10)
    const year = localDay.slice(0, 4)

    afterAll(async () => {
      await detector?.endAsync()
    })

    it("sets a zone's workers, for the facility's contractor only", async () => {
      const path = '/api/v1/facilities/f1/zones/f1-weave'
      const set = await platform.call('PATCH', path, { workers: 55 }, contractor)
      expect(set.status).toBe(200)
      expect(set.body).toMatchObject({ id: 'f1-weave', workers: 55 })
      const audit = await platform.call('GET', '/api/v1/audit?action=zone.change&facility=f1')
      expect(audit.body.items.map((e: any) => [e.target.id, e.before.workers, e.after.workers])).toEqual([
        ['f1-weave', 50, 55],
      ])
      expect((await platform.call('PATCH', path, { workers: 1 }, officer)).status).toBe(403)
      expect((await platform.call('PATCH', path, { workers: 1 }, regulator)).status).toBe(403)
      await platform.registry.createOrganisation({ id: 'ctv-other', name: 'Other', kind: 'contractor' })
      const elsewhere = (
        await issueApiKey(platform.registry, { name: 'x', role: 'contractor', organisationId: 'ctv-other' })
      ).token
      expect((await platform.call('PATCH', path, { workers: 1 }, elsewhere)).status).toBe(403)
      expect(
        (await platform.call('PATCH', '/api/v1/facilities/f1/zones/f2-shop', { workers: 1 })).status,
      ).toBe(404)
      expect((await platform.call('PATCH', path, { workers: -1 })).status).toBe(400)
    })

    it('counts the workers of zones where a limit was exceeded, by province, sector and factor', async () => {
      const created = await platform.call(
        'POST',
        '/api/v1/sensors',
        { id: 'f1-live', facilityId: 'f1', zoneId: 'f1-weave', model: 'SLM', factors: ['noise'] },
        contractor,
      )
      detector = await platform.connectSensor(created.body.credentials)
      await detector.publishAsync(
        readingsTopic('f1', 'f1-live'),
        JSON.stringify({ factor: 'noise', value: 121, unit: 'dBA', ts: when }),
        { qos: 1 },
      )
      await record(`c-f2-${year}`, 'f2', localDay, [measurement('f2-shop', 'noise', 3, 1)])
      await waitUntil(
        async () =>
          (await platform.call('GET', '/api/v1/alerts?facility=f1', undefined, regulator)).body.items.some(
            (a: { kind: string; sensorId: string }) => a.kind === 'ceiling' && a.sensorId === 'f1-live',
          ),
        20_000,
        () => 'no ceiling alert from f1-live',
      )
      const { body } = await platform.call(
        'GET',
        `/api/v1/reports/coverage?period=${year}&province=${encodeURIComponent('Bắc Ninh')}`,
        undefined,
        regulator,
      )
      expect(body.exposedWorkers).toBe(55)
      expect(body.byProvince.map((p: any) => [p.name, p.exposedWorkers])).toEqual([['Bắc Ninh', 55]])
      expect(body.bySector.map((s: any) => [s.name, s.exposedWorkers])).toEqual([
        ['mechanical', 0],
        ['textiles', 55],
      ])
      expect(body.exposedWorkersByFactor).toEqual([{ factor: 'noise', exposedWorkers: 55, facilities: 2 }])
      expect(
        body.exposedFacilities.map((f: any) => [f.facilityId, f.exposedWorkers, f.workersUnknown]),
      ).toEqual([
        ['f1', 55, false],
        ['f2', 0, true],
      ])
      expect(body.exposedFacilities[0].zones).toEqual([
        { zoneId: 'f1-weave', name: 'f1-weave', workers: 55, factors: ['noise'], evidence: ['f1-live'] },
      ])
      const csv = await fetch(
        `${platform.apiUrl}/api/v1/reports/coverage?period=${year}&province=24&format=csv&table=exposed-workers`,
        { headers: { authorization: `Bearer ${regulator}` } },
      )
      const rows = parseCsv(await csv.text())
      expect(rows[0]?.slice(0, 7)).toEqual([
        'facilityId',
        'name',
        'province',
        'provinceCode',
        'sector',
        'workers',
        'exposedWorkers',
      ])
      expect(rows.slice(1).map((r) => [r[0], r[6], r[8], r[10], r[11], r[12]])).toEqual([
        ['f1', '55', 'f1-weave', '55', 'noise', 'f1-live'],
        ['f2', '0', 'f2-shop', '', 'noise', `c-f2-${year}`],
      ])
    })
  })
})
