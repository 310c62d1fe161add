import { mkdir } from 'node:fs/promises'
import { connectAsync, type MqttClient } from 'mqtt'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../registry/accounts.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'

const ARTIFACTS = new URL('../artifacts/', import.meta.url)
const MINUTE = 60_000
const DAY = 86_400_000
const PASSWORD = 'a long enough password 1'
const DESKTOP = { width: 1280, height: 900 }
const PHONE = { width: 390, height: 844 }

const missing = chromiumMissing()

/** yyyy-mm-dd of `time` in Vietnam, as a date input takes it. */
const day = (time: number) => new Date(time + 7 * 3_600_000).toISOString().slice(0, 10)

/**
 * #18's contractor screens in Chromium: a contractor signs in, adds and renames a zone, registers a sensor,
 * loads the device configuration shown on the page into a real MQTT client, and watches the sensor pass
 * commissioning on the screen (the hour of reporting published as timestamped readings). An officer of the
 * facility reads the same screen without a control that changes anything; another organisation's
 * contractor does not see the facility at all. Vietnamese and English, desktop and a 390 × 844 phone.
 */
describe.skipIf(missing !== undefined)('the contractor screens in a browser', () => {
  let platform: Platform
  let browser: Browser
  const devices: MqttClient[] = []
  const pageErrors: string[] = []

  async function signedIn(email: string, locale: string, viewport: typeof DESKTOP) {
    const context = await browser.newContext({ locale, viewport })
    const page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    page.on('dialog', (dialog) => void dialog.accept())
    await page.goto(`${platform.apiUrl}/sensors.html`)
    await page.locator('#password-form').waitFor()
    await page.locator('#password-email').fill(email)
    await page.locator('#password-input').fill(PASSWORD)
    await page.locator('#password-submit').click()
    return { context, page }
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: new URL(`contractor-${name}.png`, ARTIFACTS).pathname, fullPage: true })

  const itemMet = (page: Page, item: string) =>
    page.locator(`#checklist [data-item="${item}"][data-met="true"]`).waitFor({ timeout: 30_000 })

  /** The device configuration the page shows, as the device would load it. */
  async function configuredDevice(page: Page) {
    const config = JSON.parse(await page.locator('#device-config').inputValue())
    const device = await connectAsync(config.broker, {
      clientId: config.clientId,
      username: config.username,
      password: config.password,
      reconnectPeriod: 0,
    })
    devices.push(device)
    return { config, device }
  }

  async function publish(device: MqttClient, topic: string, minutesAgo: number[]) {
    for (let i = 0; i < minutesAgo.length; i += 64) {
      const readings = minutesAgo
        .slice(i, i + 64)
        .map((ago) => ({ factor: 'noise', value: 80, unit: 'dBA', ts: Date.now() - ago * MINUTE }))
      await device.publishAsync(topic, JSON.stringify({ readings }), { qos: 1 })
    }
  }

  /** A contractor's whole task, in the page's language: zone, sensor, device, commissioning. */
  async function commission(page: Page, ids: { zone: string; sensor: string; name: string }) {
    await page.locator('#zones-section:not([hidden])').waitFor({ timeout: 20_000 })
    await page.locator('#zone-id').fill(ids.zone)
    await page.locator('#zone-name').fill(ids.name)
    await page.locator('#zone-submit').click()
    await page.locator('#zones-table td', { hasText: ids.name }).waitFor()
    await page.locator('#rename-zone').selectOption(ids.zone)
    await page.locator('#rename-name').fill(`${ids.name} 2`)
    await page.locator('#rename-submit').click()
    await page.locator('#zones-table td', { hasText: `${ids.name} 2` }).waitFor()

    await page.locator('#register-id').fill(ids.sensor)
    await page.locator('#register-zone').selectOption(ids.zone)
    await page.locator('#register-model').fill('QT-Sound 2')
    await page.locator('#register-serial').fill(`SN-${ids.sensor}`)
    await page.locator('#register-factors input[value="noise"]').check()
    await page.locator('#register-interval').fill('60')
    await page.locator('#register-submit').click()
    await page.locator('#credentials:not([hidden])').waitFor({ timeout: 20_000 })
    expect(await page.locator('#device-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    expect(await page.locator('#sensor-state').getAttribute('data-state')).toBe('commissioning')

    const { config, device } = await configuredDevice(page)
    expect(config).toMatchObject({ clientId: ids.sensor, username: ids.sensor, qos: 1, factors: ['noise'] })
    expect(await page.locator('#credential-password').textContent()).toBe(config.password)
    await publish(device, config.topic, [70])
    await itemMet(page, 'first-reading')
    await itemMet(page, 'factors-reporting')
    await publish(
      device,
      config.topic,
      Array.from({ length: 67 }, (_, i) => 69 - i),
    )
    await itemMet(page, 'reporting-interval')
    expect(await page.locator('#sensor-state').getAttribute('data-state')).toBe('commissioning')

    await page.locator('#close-credentials').click()
    expect(await page.locator('#credentials').isHidden()).toBe(true)
    await page.locator('#edit-calibrated').fill(day(Date.now() - DAY))
    await page.locator('#edit-due').fill(day(Date.now() + 300 * DAY))
    await page.locator('#edit-submit').click()
    await itemMet(page, 'calibration')
    await publish(device, config.topic, [1])
    await page.locator('#sensor-state[data-state="commissioned"]').waitFor({ timeout: 30_000 })
    return { config, device }
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true })
    platform = await startPlatform()
    const registry = platform.registry
    await registry.createOrganisation({ id: 'ctv', name: 'Quan trắc Bắc Ninh', kind: 'contractor' })
    await registry.createOrganisation({ id: 'other', name: 'Other contractor', kind: 'contractor' })
    await registry.createFacility(
      testFacility('plant', { name: 'Nhà máy dệt', contractorIds: ['ctv'], hazards: ['noise'] }),
    )
    await registry.createFacility(testFacility('yard', { name: 'Bãi than', contractorIds: ['other'] }))
    const person = (email: string, grant: Parameters<typeof createUser>[1]['grants'][number]) =>
      createUser(registry, { email, name: email, password: PASSWORD, grants: [grant] })
    await person('ctv@example.vn', { role: 'contractor', organisationId: 'ctv' })
    await person('officer@example.vn', { role: 'officer', facilityId: 'plant' })
    await person('other@example.vn', { role: 'contractor', organisationId: 'other' })
    await person('admin@example.vn', { role: 'admin' })
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    for (const device of devices) await device.endAsync()
    await browser?.close()
    await platform?.stop()
  })

  it('lets a contractor commission a sensor in Vietnamese on a desktop', async () => {
    const { context, page } = await signedIn('ctv@example.vn', 'vi-VN', DESKTOP)
    try {
      await page.locator('.facility-choice[aria-pressed="true"]').waitFor({ timeout: 20_000 })
      expect(await page.locator('.facility-choice').allTextContents()).toEqual(['Nhà máy dệt (plant)'])
      expect(await page.locator('#register-heading').textContent()).toBe('Đăng ký cảm biến')
      await commission(page, { zone: 'weave', sensor: 'probe-vi', name: 'Xưởng dệt' })
      expect(await page.locator('#sensor-state').textContent()).toMatch(/^Đã nghiệm thu\. Nghiệm thu lúc/)
      expect(await page.locator('#checklist [data-met="true"]').count()).toBe(4)
      await shot(page, 'commissioned-vi-desktop')
    } finally {
      await context.close()
    }
  })

  it('lets a contractor commission, rotate and decommission in English on a phone', async () => {
    const { context, page } = await signedIn('ctv@example.vn', 'en-GB', PHONE)
    try {
      await page.locator('[data-language="en"]').click()
      const { config } = await commission(page, { zone: 'dye', sensor: 'probe-en', name: 'Dye house' })
      expect(await page.locator('#sensor-state').textContent()).toMatch(/^Commissioned\. Commissioned at/)
      await shot(page, 'commissioned-en-phone')

      // A rotation shows new credentials once; the old password is refused from then on.
      await page.locator('#rotate').click()
      await page.locator('#credentials:not([hidden])').waitFor()
      const rotated = JSON.parse(await page.locator('#device-config').inputValue())
      expect(rotated.password).not.toBe(config.password)
      await expect(
        connectAsync(config.broker, {
          clientId: config.clientId,
          username: config.username,
          password: config.password,
          reconnectPeriod: 0,
        }),
      ).rejects.toThrow()
      await shot(page, 'rotated-en-phone')

      await page.locator('#decommission').click()
      await page.locator('#sensor-facts dd', { hasText: 'Decommissioned' }).waitFor()
      expect(await page.locator('#edit-submit').isDisabled()).toBe(true)
    } finally {
      await context.close()
    }
  })

  it('shows an officer the facility’s sensors and checklist read-only, in both languages', async () => {
    for (const [locale, viewport, language] of [
      ['en-GB', DESKTOP, 'en'],
      ['vi-VN', PHONE, 'vi'],
    ] as const) {
      const { context, page } = await signedIn('officer@example.vn', locale, viewport)
      try {
        await page.locator(`[data-language="${language}"]`).click()
        await page.locator('#sensors-table [data-sensor="probe-vi"]').click()
        await page.locator('#sensor-state[data-state="commissioned"]').waitFor({ timeout: 20_000 })
        expect(await page.locator('#read-only').isVisible()).toBe(true)
        for (const id of ['#register-section', '#zone-form', '#rename-form', '#edit-submit', '#rotate']) {
          expect(await page.locator(id).isVisible(), id).toBe(false)
        }
        expect(await page.locator('#edit-model').isDisabled()).toBe(true)
        // What the page hides, the API refuses.
        const forged = await page.evaluate(async () => {
          const session = await (await fetch('/api/v1/session')).json()
          const response = await fetch('/api/v1/sensors/probe-vi', {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
            body: JSON.stringify({ model: 'forged' }),
          })
          return response.status
        })
        expect(forged).toBe(403)
        await shot(page, `officer-${language}-${viewport === PHONE ? 'phone' : 'desktop'}`)
      } finally {
        await context.close()
      }
    }
  })

  it('does not show another organisation’s contractor the facility or its sensors', async () => {
    const { context, page } = await signedIn('other@example.vn', 'vi-VN', DESKTOP)
    try {
      await page.locator('.facility-choice').first().waitFor({ timeout: 20_000 })
      expect(await page.locator('.facility-choice').allTextContents()).toEqual(['Bãi than (yard)'])
      const statuses = await page.evaluate(async () =>
        Promise.all(
          [
            '/api/v1/sensors/probe-vi',
            '/api/v1/facilities/plant/zones',
            '/api/v1/sensors?facility=plant',
          ].map(async (path) => (await fetch(path)).status),
        ),
      )
      expect(statuses.every((status) => status === 403 || status === 404)).toBe(true)
      await page.goto(`${platform.apiUrl}/sensors.html#plant`)
      await page.locator('.facility-choice').first().waitFor()
      expect(await page.locator('#sensors-table [data-sensor="probe-vi"]').count()).toBe(0)
      await shot(page, 'other-contractor-vi-desktop')
    } finally {
      await context.close()
    }
  })

  it('shows an admin every facility, with the forms', async () => {
    const { context, page } = await signedIn('admin@example.vn', 'en-GB', DESKTOP)
    try {
      await page.locator('.facility-choice').first().waitFor({ timeout: 20_000 })
      expect(await page.locator('.facility-choice').allTextContents()).toEqual([
        'Nhà máy dệt (plant)',
        'Bãi than (yard)',
      ])
      await page.locator('.facility-choice[data-facility="plant"]').click()
      await page.locator('#sensors-table [data-sensor="probe-en"]').waitFor()
      expect(await page.locator('#register-section').isVisible()).toBe(true)
      expect(await page.locator('#read-only').isVisible()).toBe(false)
    } finally {
      await context.close()
    }
  })

  it('lands every change made on the screens in the audit trail, under the person who made it', async () => {
    const audit = await platform.call('GET', '/api/v1/audit?facility=plant&limit=100')
    const actions = audit.body.items.map((entry: { action: string }) => entry.action)
    for (const action of [
      'zone.add',
      'zone.change',
      'sensor.register',
      'sensor.change',
      'sensor.rotate-credentials',
      'sensor.decommission',
    ]) {
      expect(actions).toContain(action)
    }
    expect(
      audit.body.items
        .filter((entry: { action: string }) => entry.action !== 'user.sign-in')
        .every((entry: { actor: { name: string } }) => entry.actor.name === 'ctv@example.vn'),
    ).toBe(true)
    expect(pageErrors).toEqual([])
  })
})
