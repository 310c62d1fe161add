import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueApiKey } from '../../registry/api-keys.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'
import { startMailServer } from '../support/receivers.ts'

const missing = chromiumMissing()
const ARTIFACTS = new URL('../artifacts/', import.meta.url)
const DUTY = 'truc-ca@plant.vn'
const MISTYPED = 'giam-doc@plant.vn'

/** An alarm from a real sensor, e-mailed through a real SMTP server; the alert's detail tells how each fared. */
describe.skipIf(missing !== undefined)("the alert's delivery history on the live page", () => {
  let platform: Platform
  let mail: Awaited<ReturnType<typeof startMailServer>>
  let browser: Browser
  let officerToken: string
  let adminToken: string

  beforeAll(async () => {
    mail = await startMailServer({ refuse: [MISTYPED] })
    platform = await startPlatform({ notify: { smtpUrl: mail.url, intervalMs: 100, retryBaseMs: 60_000 } })
    browser = await launchChromium()
    const credentials = await platform.registerSensor('plant-b', 'co-b1', ['gas.co'], 'niosh')
    await platform.restartIngest()
    const channel = await platform.call('POST', '/api/v1/facilities/plant-b/notification-channels', {
      kind: 'email',
      id: 'duty',
      name: 'Ca trực',
      to: [DUTY, MISTYPED],
      levels: ['alarm', 'critical'],
    })
    expect(channel.status).toBe(201)
    officerToken = (
      await issueApiKey(platform.registry, { name: 'Lan', role: 'officer', facilityId: 'plant-b' })
    ).token
    adminToken = (await issueApiKey(platform.registry, { name: 'Quản trị', role: 'admin' })).token
    const sensor = await platform.connectSensor(credentials)
    await sensor.publishAsync(
      credentials.topic,
      JSON.stringify({ factor: 'gas.co', value: 300, unit: 'ppm' }),
      {
        qos: 1,
      },
    )
    await sensor.endAsync()
    await waitUntil(
      async () => mail.received.some((m) => m.to === DUTY),
      30_000,
      () => 'the duty officer was never e-mailed',
    )
  })
  afterAll(async () => {
    await browser?.close()
    await platform?.stop()
    await mail?.stop()
  })

  it("opens the alert's detail from the link in the e-mail, on the alert's facility", async () => {
    const text = mail.received.find((m) => m.to === DUTY)!.text
    const link = /(http:\/\/\S+\/\?alert=[\w-]+)/.exec(text)![1]!
    await platform.registry.createFacility(testFacility('plant-a'))
    const context = await browser.newContext({ locale: 'vi-VN' })
    try {
      await context.addInitScript(
        (token) => window.localStorage.setItem('quantrac.apiKey', token),
        adminToken,
      )
      const page = await context.newPage()
      await page.goto(link)
      const dialog = page.locator('#alert-dialog')
      await dialog.waitFor()
      await expect
        .poll(() => dialog.locator(`.delivery[data-contact="${DUTY}"]`).getAttribute('data-state'))
        .toBe('sent')
      expect(await page.locator('#facility').inputValue()).toBe('plant-b')
      expect(new URL(page.url()).search).toBe('')
    } finally {
      await context.close()
    }
  })

  const screens = [
    { name: 'desktop', viewport: { width: 1440, height: 900 }, isMobile: false },
    { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
  ]
  const languages = [
    { locale: 'vi-VN', sent: 'đã gửi', retrying: 'đang thử lại', open: 'Thông báo', reason: 'Lý do:' },
    { locale: 'en-GB', sent: 'sent', retrying: 'retrying', open: 'Notifications', reason: 'Reason:' },
  ]
  for (const screen of screens) {
    for (const language of languages) {
      it(`shows "${language.sent}" to ${DUTY} and why the other is retrying (${screen.name}, ${language.locale})`, async () => {
        const context = await browser.newContext({
          locale: language.locale,
          viewport: screen.viewport,
          isMobile: screen.isMobile,
          hasTouch: screen.isMobile,
        })
        const pageErrors: string[] = []
        try {
          await context.addInitScript(
            (token) => window.localStorage.setItem('quantrac.apiKey', token),
            officerToken,
          )
          const page = await context.newPage()
          page.on('pageerror', (err) => pageErrors.push(err.message))
          await page.goto(`${platform.apiUrl}/#plant-b`)
          const details = page.locator('.alert .alert-details-button')
          await details.waitFor()
          expect(await details.textContent()).toBe(language.open)
          await details.click()
          const dialog = page.locator('#alert-dialog')
          await dialog.waitFor()
          const duty = dialog.locator(`.delivery[data-contact="${DUTY}"]`)
          await expect.poll(() => duty.getAttribute('data-state')).toBe('sent')
          expect(await duty.locator('.delivery-state').textContent()).toBe(language.sent)
          expect(await duty.textContent()).toContain('duty')
          const refused = dialog.locator(`.delivery[data-contact="${MISTYPED}"]`)
          await expect.poll(() => refused.getAttribute('data-state')).toBe('retrying')
          expect(await refused.locator('.delivery-state').textContent()).toBe(language.retrying)
          expect(await refused.locator('.delivery-error').textContent()).toMatch(
            new RegExp(`^${language.reason} .*550`),
          )
          if (screen.isMobile) {
            const width = await page.evaluate(() => document.documentElement.scrollWidth)
            expect(width).toBeLessThanOrEqual(screen.viewport.width)
          }
          await page.screenshot({
            path: new URL(`alert-delivery-${screen.name}-${language.locale.slice(0, 2)}.png`, ARTIFACTS)
              .pathname,
          })
          expect(pageErrors).toEqual([])
        } finally {
          await context.close()
        }
      })
    }
  }
})
