import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueApiKey } from '../../registry/api-keys.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'
import { startMailServer } from '../support/receivers.ts'

const missing = chromiumMissing()

/** The officer's view in a real browser: the alarm sounds and notifies, the e-mailed link acknowledges it. */
describe.skipIf(missing !== undefined)('a new alarm in the browser, acknowledged from the e-mail', () => {
  let platform: Platform
  let mail: Awaited<ReturnType<typeof startMailServer>>
  let browser: Browser
  let context: BrowserContext
  const pageErrors: string[] = []

  beforeAll(async () => {
    mail = await startMailServer()
    platform = await startPlatform({ notify: { smtpUrl: mail.url, intervalMs: 100 } })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await platform?.stop()
    await mail?.stop()
  })

  it('beeps and notifies once turned on, counts it in the tab title, and the link acknowledges it', async () => {
    const credentials = await platform.registerSensor('plant-b', 'co-b1', ['gas.co'], 'niosh')
    await platform.restartIngest()
    const channel = await platform.call('POST', '/api/v1/facilities/plant-b/notification-channels', {
      kind: 'email',
      id: 'duty',
      name: 'Ca trực',
      to: ['truc-ca@plant.vn'],
      levels: ['alarm', 'critical'],
    })
    expect(channel.status).toBe(201)
    const officer = await issueApiKey(platform.registry, {
      name: 'Lan',
      role: 'officer',
      facilityId: 'plant-b',
    })

    context = await browser.newContext({ locale: 'vi-VN' })
    await context.grantPermissions(['notifications'], { origin: platform.apiUrl })
    await context.addInitScript((token) => {
      window.localStorage.setItem('quantrac.apiKey', token)
      const shown: { title: string; body?: string }[] = []
      ;(window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown
      const Real = window.Notification
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          shown.push({ title, body: options?.body })
          super(title, options)
        }
      }
      Object.defineProperty(Recorded, 'permission', { get: () => Real.permission })
      Object.defineProperty(Recorded, 'requestPermission', { value: Real.requestPermission.bind(Real) })
      window.Notification = Recorded as typeof Notification
    }, officer.token)
    const page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    await page.goto(`${platform.apiUrl}/#plant-b`)
    await page.locator('#connection[data-state="live"]').waitFor()
    const toggle = page.locator('#alarm-alerts')
    expect(await toggle.textContent()).toBe('Bật âm thanh & thông báo')
    await toggle.click()
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true')

    const sensor = await platform.connectSensor(credentials)
    await sensor.publishAsync(
      credentials.topic,
      JSON.stringify({ factor: 'gas.co', value: 300, unit: 'ppm' }),
      {
        qos: 1,
      },
    )
    await expect.poll(() => page.title()).toBe('(1) quantrac')
    const shown = () => page.evaluate(() => (window as any).shownNotifications as { title: string }[])
    await expect.poll(async () => (await shown()).map((n) => n.title)).toEqual(['Báo động · quantrac'])

    await waitUntil(
      async () => mail.received.length > 0,
      30_000,
      () => 'no e-mail',
    )
    const ackUrl = /(http:\/\/\S+\/ack\/[A-Za-z0-9_-]{43})/.exec(mail.received[0]!.text)![1]!
    const ack = await context.newPage()
    await ack.goto(ackUrl)
    expect(await ack.locator('h1').textContent()).toBe('Xác nhận cảnh báo')
    await ack.locator('#note').fill('đã sơ tán khu vực')
    await ack.locator('button[type="submit"]').click()
    await expect.poll(() => ack.locator('h1').textContent()).toBe('Đã xác nhận')

    // The live page hears of it at once: nothing left to acknowledge, and no second notification.
    await expect.poll(() => page.title()).toBe('quantrac')
    expect((await shown()).length).toBe(1)
    await ack.reload()
    expect(await ack.locator('h1').textContent()).toBe('Liên kết đã được dùng')
    await sensor.endAsync()
    expect(pageErrors).toEqual([])
  })
})
