import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') throw new Error(`${missing}; CI=true requires it`)

/** What the browser refused or failed on: Content-Security-Policy violations and script errors. */
function watchProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  return problems
}

/** The API docs in a real browser, under their Content-Security-Policy: authorise with a key, try a route. */
describe.skipIf(missing !== undefined)(`the API docs page${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let platform: Platform
  let browser: Browser

  beforeAll(async () => {
    platform = await startPlatform()
    await platform.registry.createFacility(testFacility('fac-docs'))
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await platform?.stop()
  })

  it('has an Authorize button, and Try it out sends the key', async () => {
    const page = await browser.newPage()
    const problems = watchProblems(page)
    const response = await page.goto(`${platform.apiUrl}/docs`)
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'")
    await page.locator('button.authorize').first().click()
    await page.locator('.auth-container input').first().fill(platform.adminKey)
    await page.locator('.auth-btn-wrapper button.authorize').first().click()
    await page.locator('.auth-btn-wrapper button.btn-done').first().click()

    const operation = page.locator('.opblock-get', { has: page.locator('[data-path="/api/v1/facilities/"]') })
    await operation.locator('.opblock-summary').first().click()
    await operation.locator('button.try-out__btn').click()
    await operation.locator('button.execute').click()
    const status = operation.locator('.live-responses-table tbody .response-col_status').first()
    await expect.poll(() => status.textContent()).toContain('200')
    expect(await operation.locator('.live-responses-table .microlight').first().textContent()).toContain(
      'fac-docs',
    )
    expect(problems).toEqual([])
    await page.close()
  })

  it('serves the live page and the regulator page with no script refused by their policy', async () => {
    for (const path of ['/', '/regulator.html']) {
      const page = await browser.newPage()
      const problems = watchProblems(page)
      await page.goto(`${platform.apiUrl}${path}#key=${platform.adminKey}`)
      await page.waitForLoadState('networkidle')
      expect({ path, problems: problems.filter((text) => /Content Security Policy/i.test(text)) }).toEqual({
        path,
        problems: [],
      })
      await page.close()
    }
  })
})
