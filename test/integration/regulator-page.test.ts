import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueApiKey } from '../../registry/api-keys.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') throw new Error(`${missing}; CI=true requires it`)

/** The regulator's page in a real browser: sign in with a key, read the report, sign out. */
describe.skipIf(missing !== undefined)(
  `the regulator's coverage page${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let platform: Platform
    let browser: Browser

    beforeAll(async () => {
      platform = await startPlatform()
      await platform.registry.createFacility(
        testFacility('plant-1', { hazards: ['noise'], province: 'Bắc Ninh' }),
      )
      await platform.registry.createFacility(testFacility('plant-2', { hazards: [], province: 'Bắc Ninh' }))
      browser = await launchChromium()
    })

    afterAll(async () => {
      await browser?.close()
      await platform?.stop()
    })

    it('asks for a key, then shows the counts of the period with the facility that falls short', async () => {
      const { token } = await issueApiKey(platform.registry, { name: 'Sở LĐTBXH', role: 'regulator' })
      const context = await browser.newContext({ locale: 'vi-VN' })
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (err) => errors.push(err.message))
      await page.goto(`${platform.apiUrl}/regulator.html#period=2025`)
      await page.locator('#key-dialog').waitFor()
      await page.locator('#key-input').fill(token)
      await page.locator('#key-form button[type="submit"], #key-form button:not([type])').first().click()
      await page.locator('#summary').waitFor()
      expect(await page.locator('#card-hazardous').textContent()).toContain('1')
      expect(await page.locator('#card-monitored').textContent()).toContain('0')
      await expect.poll(() => page.locator('#shortfalls-table').textContent()).toContain('plant-1')
      expect(await page.locator('#sign-out').isVisible()).toBe(true)
      await page.locator('#sign-out').click()
      await page.locator('#key-dialog').waitFor()
      expect(await page.evaluate(() => window.localStorage.getItem('quantrac.apiKey'))).toBeNull()
      expect(errors).toEqual([])
      await context.close()
    })
  },
)
