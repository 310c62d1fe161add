import { mkdir, readFile } from 'node:fs/promises'
import ExcelJS from 'exceljs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueApiKey } from '../../registry/api-keys.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') throw new Error(`${missing}; CI=true requires it`)

const REGISTERED = Date.parse('2020-01-01T00:00:00+07:00')
const ARTIFACTS = new URL('../artifacts/', import.meta.url)

const SIZES = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const

/** Pixels of the canvas under `selector` drawn in `rgb` (±24 a channel): data drawn, not an empty frame. */
function pixelsOf(page: Page, selector: string, rgb: [number, number, number]) {
  return page.evaluate(
    ({ selector, rgb }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(selector)
      if (canvas === null) return 0
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
      let count = 0
      for (let i = 0; i < data.length; i += 4) {
        const near = [0, 1, 2].every((c) => Math.abs(data[i + c]! - rgb[c]!) <= 24)
        if (near && data[i + 3]! > 200) count++
      }
      return count
    },
    { selector, rgb },
  )
}

/** The accent colour of styles.css (--accent #0b5cad): the monitored series of both charts. */
const ACCENT: [number, number, number] = [0x0b, 0x5c, 0xad]

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

/**
 * The regulator's charts and tables in both languages, on a desktop and on a 390 × 844 phone: nine
 * facilities in three provinces and two sectors, monitored by the campaigns their contractor records over
 * the API year by year (1, 2, 4, then 4 facilities of 2022–2025), so the trend rises and then falls behind
 * its +5 % target.
 */
describe.skipIf(missing !== undefined)(
  `the regulator's charts and tables on a desktop and a phone${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let platform: Platform
    let browser: Browser
    let regulator: string
    let contractor: string

    const FACILITIES = [
      ['f-bn-1', 'Bắc Ninh', 'garment'],
      ['f-bn-2', 'Bắc Ninh', 'garment'],
      ['f-bn-3', 'Bắc Ninh', 'cement'],
      ['f-hn-1', 'Hà Nội', 'garment'],
      ['f-hn-2', 'Hà Nội', 'cement'],
      ['f-hn-3', 'Hà Nội', 'cement'],
      ['f-dn-1', 'Đà Nẵng', 'cement'],
      ['f-dn-2', 'Đà Nẵng', 'garment'],
      ['f-dn-3', 'Đà Nẵng', 'cement'],
    ] as const
    /** The facilities a campaign monitored in each year. */
    const MONITORED = {
      2022: ['f-bn-1'],
      2023: ['f-bn-1', 'f-hn-1'],
      2024: ['f-bn-1', 'f-hn-1', 'f-dn-1', 'f-bn-2'],
      2025: ['f-bn-1', 'f-hn-1', 'f-dn-1', 'f-hn-2'],
    } as const

    beforeAll(async () => {
      platform = await startPlatform()
      const { registry } = platform
      await registry.createOrganisation({ id: 'ctv', name: 'Trung tâm Quan trắc', kind: 'contractor' })
      for (const [id, province, sector] of FACILITIES) {
        await registry.createFacility(
          testFacility(id, {
            hazards: ['dust.total'],
            province,
            sector,
            contractorIds: ['ctv'],
            registeredAt: REGISTERED,
          }),
        )
        await registry.createZone({ id: `${id}-z`, facilityId: id, name: 'Xưởng', workers: 20 })
      }
      contractor = (
        await issueApiKey(registry, { name: 'Quan trắc viên', role: 'contractor', organisationId: 'ctv' })
      ).token
      for (const [year, ids] of Object.entries(MONITORED)) {
        for (const facilityId of ids) {
          const response = await fetch(`${platform.apiUrl}/api/v1/campaigns`, {
            method: 'POST',
            headers: { authorization: `Bearer ${contractor}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              facilityId,
              startedOn: `${year}-05-01`,
              endedOn: `${year}-05-02`,
              declaration: { reference: '07/CB-SYT', publishedBy: 'Sở Y tế Bắc Ninh' },
              measurements: [
                { zoneId: `${facilityId}-z`, factor: 'dust.total', samples: 3, samplesOverLimit: 0 },
              ],
            }),
          })
          expect(response.status).toBe(201)
        }
      }
      regulator = (await issueApiKey(registry, { name: 'Cục Quản lý môi trường y tế', role: 'regulator' }))
        .token
      browser = await launchChromium()
      await mkdir(ARTIFACTS, { recursive: true })
    })

    afterAll(async () => {
      await browser?.close()
      await platform?.stop()
    })

    for (const [language, locale] of [
      ['vi', 'vi-VN'],
      ['en', 'en-GB'],
    ] as const) {
      for (const size of ['desktop', 'phone'] as const) {
        it(`draws the yearly trend and the comparison, with tables usable on the screen (${language}, ${size})`, async () => {
          const context = await browser.newContext({ locale, viewport: SIZES[size] })
          const page = await context.newPage()
          const errors: string[] = []
          page.on('pageerror', (err) => errors.push(err.message))
          await page.goto(`${platform.apiUrl}/regulator.html#period=2025`)
          await signIn(page, regulator)
          await page.locator('#trend-chart canvas').waitFor()
          await page.locator('#provinces-chart canvas').waitFor()
          // Five years up to the period's, each with its target: monitoring began in 2025 (the campaign above).
          const years = await page.locator('#trend-table tbody tr td:first-child').allTextContents()
          expect(years).toEqual(['2021', '2022', '2023', '2024', '2025'])
          const last = await page.locator('#trend-table tbody tr').last().locator('td').allTextContents()
          // 2025: 4 monitored of 9, the target is 4 × 1.05 rounded up = 5.
          expect(last.slice(0, 4)).toEqual(['2025', '9', `4 · ${language === 'vi' ? '44,4' : '44.4'} %`, '5'])
          // Drawn: the monitored series in the accent colour, on the trend and on the province bars.
          await expect.poll(() => pixelsOf(page, '#trend-chart canvas', ACCENT)).toBeGreaterThan(50)
          await expect.poll(() => pixelsOf(page, '#provinces-chart canvas', ACCENT)).toBeGreaterThan(50)
          expect(await page.locator('#trend-chart .u-legend').textContent()).toContain(
            language === 'vi' ? 'Mục tiêu' : 'Target',
          )
          expect(await page.locator('#trend-chart').getAttribute('aria-label')).toContain(
            language === 'vi'
              ? 'năm 2025: 4 trên 9 cơ sở được quan trắc, mục tiêu 5'
              : '2025: 4 of 9 monitored, target 5',
          )
          const chartBox = (await page.locator('#trend-chart canvas').boundingBox())!
          expect(chartBox.width).toBeLessThanOrEqual(SIZES[size].width)

          // The province table: the name and its status in view, growth reachable by scrolling the table.
          const row = page.locator('#provinces-table tbody tr').first()
          const status = (await row.locator('td').nth(1).boundingBox())!
          expect(await row.locator('td').nth(1).textContent()).toMatch(
            language === 'vi' ? /^(đạt|chưa đạt)$/ : /^(on track|behind)$/,
          )
          expect(status.x + status.width).toBeLessThanOrEqual(SIZES[size].width)
          const growth = row.locator('td').nth(6)
          await growth.scrollIntoViewIfNeeded()
          const growthBox = (await growth.boundingBox())!
          expect(growthBox.x).toBeGreaterThanOrEqual(0)
          expect(growthBox.x + growthBox.width).toBeLessThanOrEqual(SIZES[size].width)
          // No sideways scroll of the whole page, and rows of one height.
          const layout = await page.evaluate(() => ({
            width: document.documentElement.scrollWidth,
            height: document.documentElement.scrollHeight,
            rows: [...document.querySelectorAll('#provinces-table tbody tr')].map(
              (r) => r.getBoundingClientRect().height,
            ),
          }))
          expect(layout.width).toBeLessThanOrEqual(SIZES[size].width)
          expect(layout.height).toBeLessThan(size === 'phone' ? 9000 : 6000)
          expect(new Set(layout.rows.map(Math.round)).size).toBe(1)

          // Every field has a label a screen reader reads.
          const unlabelled = await page.evaluate(() =>
            [...document.querySelectorAll('input, select')]
              .filter((el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute('aria-label'))
              .map((el) => el.id),
          )
          expect(unlabelled).toEqual([])
          expect(await page.title()).toBe(
            `quantrac — ${language === 'vi' ? 'Cơ sở được quan trắc môi trường lao động' : 'Facilities with monitored working environments'}`,
          )
          await page.screenshot({
            path: new URL(`regulator-${language}-${size}.png`, ARTIFACTS).pathname,
            fullPage: true,
          })
          expect(errors).toEqual([])
          await context.close()
        })
      }

      it(`checks the period in ${language}, with its hint, and by keyboard`, async () => {
        const context = await browser.newContext({ locale, viewport: SIZES.phone })
        const page = await context.newPage()
        await page.goto(`${platform.apiUrl}/regulator.html#period=2025`)
        await signIn(page, regulator)
        await page.locator('#summary').waitFor()
        expect(await page.locator('#period-hint').textContent()).toContain('2025-H1, 2025-Q3, 2025-07')
        const requests: string[] = []
        page.on('request', (request) => requests.push(request.url()))
        await page.locator('#period').fill('2025-13')
        await page.locator('#period').press('Enter')
        const error = page.locator('#period-error')
        await error.waitFor()
        expect(await error.textContent()).toBe(
          language === 'vi'
            ? '“2025-13” không phải kỳ báo cáo: hãy ghi năm (2025), 6 tháng (2025-H1), quý (2025-Q3) hoặc tháng (2025-07), từ 2000 đến 2100.'
            : '“2025-13” is not a period: write a year (2025), a half-year (2025-H1), a quarter (2025-Q3) or a month (2025-07), between 2000 and 2100.',
        )
        expect(await page.locator('#period').getAttribute('aria-invalid')).toBe('true')
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('period')
        expect(requests.filter((url) => url.includes('/api/v1/reports'))).toEqual([])
        await page.screenshot({ path: new URL(`regulator-period-${language}.png`, ARTIFACTS).pathname })
        // Corrected and sent by keyboard alone: Tab through the form, Enter on the button.
        await page.locator('#period').fill('2025-H1')
        expect(await error.isHidden()).toBe(true)
        await page.keyboard.press('Tab')
        await page.keyboard.press('Tab')
        await page.keyboard.press('Tab')
        expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('submit')
        await page.keyboard.press('Enter')
        await expect.poll(() => page.evaluate(() => location.hash)).toContain('period=2025-H1')
        await context.close()
      })
    }

    for (const [language, locale] of [
      ['vi', 'vi-VN'],
      ['en', 'en-GB'],
    ] as const) {
      it(`labels every field of the campaigns page for a screen reader (${language}, phone)`, async () => {
        const context = await browser.newContext({ locale, viewport: SIZES.phone })
        const page = await context.newPage()
        const errors: string[] = []
        page.on('pageerror', (err) => errors.push(err.message))
        await page.goto(`${platform.apiUrl}/campaigns.html`)
        await signIn(page, contractor)
        await page.locator('#measurements tr').first().waitFor()
        const labels = await page.evaluate(() =>
          [...document.querySelectorAll('input, select')].map((el) => ({
            id: el.id || el.getAttribute('name'),
            label:
              (el as HTMLInputElement).labels?.[0]?.textContent?.trim() ||
              el.getAttribute('aria-label') ||
              document.getElementById(el.getAttribute('aria-labelledby') ?? '')?.textContent?.trim() ||
              '',
          })),
        )
        expect(labels.filter((l) => l.label === '')).toEqual([])
        expect(labels.find((l) => l.id === 'samples')?.label).toBe(language === 'vi' ? 'Số mẫu' : 'Samples')
        await page.screenshot({
          path: new URL(`campaigns-${language}-phone.png`, ARTIFACTS).pathname,
          fullPage: true,
        })
        expect(errors).toEqual([])
        await context.close()
      })
    }
  },
)
