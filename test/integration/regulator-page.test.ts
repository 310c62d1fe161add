import { readFile } from 'node:fs/promises'
import ExcelJS from 'exceljs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueApiKey } from '../../registry/api-keys.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') throw new Error(`${missing}; CI=true requires it`)

const REGISTERED = Date.parse('2020-01-01T00:00:00+07:00')

async function signIn(page: Page, token: string) {
  await page.locator('#key-dialog').waitFor()
  await page.locator('#key-input').fill(token)
  await page.locator('#key-form button[type="submit"], #key-form button:not([type])').first().click()
}

/**
 * The regulator's page and the campaigns page in a real browser: a monitoring organisation records a
 * campaign on its screen, and the Department of Health reads it counted, the workers to examine, and the
 * provincial report's tables, down to the XLSX workbook.
 */
describe.skipIf(missing !== undefined)(
  `the regulator's and the campaigns pages${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let platform: Platform
    let browser: Browser
    let regulator: string
    let contractor: string

    beforeAll(async () => {
      platform = await startPlatform()
      const { registry } = platform
      await registry.createOrganisation({ id: 'ctv', name: 'Trung tâm Quan trắc', kind: 'contractor' })
      await registry.createFacility(
        testFacility('plant-1', { hazards: ['noise'], province: 'Bắc Ninh', registeredAt: REGISTERED }),
      )
      await registry.createFacility(
        testFacility('plant-2', { hazards: [], province: 'Bắc Giang', registeredAt: REGISTERED }),
      )
      await registry.createFacility(
        testFacility('plant-3', {
          name: 'Nhà máy gạch Quế Võ',
          hazards: ['dust.total'],
          province: 'Bắc Ninh',
          contractorIds: ['ctv'],
          workers: 120,
          registeredAt: REGISTERED,
        }),
      )
      await registry.createZone({ id: 'plant-3-kiln', facilityId: 'plant-3', name: 'Lò nung', workers: 35 })
      regulator = (await issueApiKey(registry, { name: 'Sở Y tế Bắc Ninh', role: 'regulator' })).token
      contractor = (
        await issueApiKey(registry, { name: 'Quan trắc viên', role: 'contractor', organisationId: 'ctv' })
      ).token
      browser = await launchChromium()
    })

    afterAll(async () => {
      await browser?.close()
      await platform?.stop()
    })

    it('asks for a key, then shows the counts of the period with the facility that falls short', async () => {
      const context = await browser.newContext({ locale: 'vi-VN' })
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (err) => errors.push(err.message))
      await page.goto(`${platform.apiUrl}/regulator.html#period=2025`)
      await signIn(page, regulator)
      await page.locator('#summary').waitFor()
      expect(await page.locator('#card-hazardous').textContent()).toContain('2')
      expect(await page.locator('#card-monitored').textContent()).toContain('0')
      await expect.poll(() => page.locator('#shortfalls-table').textContent()).toContain('plant-1')
      // The province list is the 34 units of the 2025 list.
      expect(await page.locator('#province option').count()).toBe(35)
      expect(await page.locator('#province option[value="24"]').textContent()).toBe('Bắc Ninh')
      expect(await page.locator('#sign-out').isVisible()).toBe(true)
      await page.locator('#sign-out').click()
      await page.locator('#key-dialog').waitFor()
      expect(await page.evaluate(() => window.localStorage.getItem('quantrac.apiKey'))).toBeNull()
      expect(errors).toEqual([])
      await context.close()
    })

    it('lets a monitoring organisation record a campaign on its screen', async () => {
      const context = await browser.newContext({ locale: 'vi-VN' })
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (err) => errors.push(err.message))
      await page.goto(`${platform.apiUrl}/campaigns.html`)
      await signIn(page, contractor)
      await expect.poll(() => page.locator('#facility option').count()).toBe(1)
      await page.locator('#started-on').fill('2025-04-01')
      await page.locator('#ended-on').fill('2025-04-02')
      await page.locator('#campaign-id').fill('c-que-vo-2025')
      await page.locator('#declaration-reference').fill('07/CB-SYT')
      await page.locator('#declaration-by').fill('Sở Y tế Bắc Ninh')
      const row = page.locator('#measurements tr').first()
      await row.locator('[name="factor"]').selectOption('dust.total')
      await row.locator('[name="samples"]').fill('4')
      await row.locator('[name="samplesOverLimit"]').fill('1')
      await row.locator('[name="values"]').fill('2.1;3.4;4.0;8.8')
      await row.locator('[name="unit"]').fill('mg/m³')
      await page.locator('#record').click()
      await expect.poll(() => page.locator('#form-message').textContent()).toContain('c-que-vo-2025')
      await expect.poll(() => page.locator('#campaigns-table').textContent()).toContain('4 / 1')
      const stored = await platform.call('GET', '/api/v1/campaigns/c-que-vo-2025')
      expect(stored.body).toMatchObject({
        facilityId: 'plant-3',
        organisationId: 'ctv',
        recordedBy: 'Quan trắc viên',
        measurements: [
          {
            zoneId: 'plant-3-kiln',
            factor: 'dust.total',
            samples: 4,
            samplesOverLimit: 1,
            values: [2.1, 3.4, 4, 8.8],
          },
        ],
      })
      // A refused campaign says why, and keeps the form as it was.
      const next = page.locator('#measurements tr').first()
      await next.locator('[name="samples"]').fill('1')
      await next.locator('[name="samplesOverLimit"]').fill('0')
      await page.locator('#ended-on').fill('2099-01-01')
      await page.locator('#record').click()
      await expect.poll(() => page.locator('#form-message').textContent()).toContain('lies in the future')
      expect(await page.locator('#form-message').getAttribute('data-kind')).toBe('error')
      expect(await next.locator('[name="samples"]').inputValue()).toBe('1')
      expect(errors).toEqual([])
      await context.close()
    })

    it('shows the regulator what counted each facility, the workers to examine and the provincial tables', async () => {
      const context = await browser.newContext({ locale: 'vi-VN', acceptDownloads: true })
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (err) => errors.push(err.message))
      await page.goto(`${platform.apiUrl}/regulator.html#period=2025&province=24`)
      await signIn(page, regulator)
      await page.locator('#summary').waitFor()
      await expect
        .poll(() => page.locator('#facilities-table').textContent())
        .toContain('Nhà máy gạch Quế Võ')
      const queVo = page.locator('#facilities-table tr', { hasText: 'plant-3' })
      expect(await queVo.locator('.source-badge').textContent()).toBe('đợt quan trắc')
      expect(await page.locator('#sources-note').textContent()).toContain('nhờ đợt quan trắc định kỳ: 1')
      expect(await page.locator('#card-exposed').textContent()).toBe('35')
      expect(await page.locator('#exposed-table').textContent()).toContain('Lò nung: 35 (Bụi toàn phần)')

      await expect.poll(() => page.locator('#provincial-summary').textContent()).toContain('1/3')
      const table2 = page.locator('#provincial-dust')
      expect(await table2.locator('thead th').first().textContent()).toBe('TT')
      const dustRow = await table2.locator('tbody tr').first().locator('td').allTextContents()
      expect(dustRow.slice(0, 6)).toEqual(['1', 'Nhà máy gạch Quế Võ', '120', '35', '4', '1'])

      const download = page.waitForEvent('download')
      await page.locator('button[data-provincial][data-format="xlsx"]').click()
      const file = await download
      expect(file.suggestedFilename()).toBe('provincial-2025-24.xlsx')
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(new Uint8Array(await readFile(await file.path())).buffer)
      const sheet = workbook.getWorksheet('Bảng 2')!
      expect((sheet.getRow(4).values as unknown[]).slice(1, 7)).toEqual([
        1,
        'Nhà máy gạch Quế Võ',
        120,
        35,
        4,
        1,
      ])

      await page.locator('[data-language="en"]').click()
      await expect.poll(() => page.locator('#provincial-heading').textContent()).toContain('Provincial')
      expect(await page.locator('#provincial-dust thead th').nth(4).textContent()).toBe('Total dust')
      expect(errors).toEqual([])
      await context.close()
    })
  },
)
