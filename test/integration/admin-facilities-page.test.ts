import { mkdir } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../registry/accounts.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'

const ARTIFACTS = new URL('../artifacts/', import.meta.url)
const PASSWORD = 'a long enough password 1'
const DESKTOP = { width: 1280, height: 900 }
const PHONE = { width: 390, height: 844 }

const missing = chromiumMissing()

interface AuditEntry {
  action: string
  actor: { name: string }
  target: { type: string; id: string }
}

/**
 * #18's admin screens in Chromium, on the contractor screens page: an admin registers an organisation and a
 * facility by typing them in (Vietnamese, desktop), changes the facility (English, phone), and is shown the
 * API's refusal of an unknown province; what was typed is what GET /api/v1/facilities returns, and each change
 * is in the audit trail under the admin. A contractor signed in sees none of the admin forms.
 */
describe.skipIf(missing !== undefined)('the admin screens in a browser', () => {
  let platform: Platform
  let browser: Browser
  const pageErrors: string[] = []

  async function signedIn(email: string, locale: string, viewport: typeof DESKTOP) {
    const context = await browser.newContext({ locale, viewport })
    const page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    await page.goto(`${platform.apiUrl}/sensors.html`)
    await page.locator('#password-form').waitFor()
    await page.locator('#password-email').fill(email)
    await page.locator('#password-input').fill(PASSWORD)
    await page.locator('#password-submit').click()
    return { context, page }
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: new URL(`admin-${name}.png`, ARTIFACTS).pathname, fullPage: true })

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true })
    platform = await startPlatform()
    const registry = platform.registry
    await registry.createOrganisation({ id: 'ctv', name: 'Quan trắc Bắc Ninh', kind: 'contractor' })
    await registry.createFacility(testFacility('plant', { name: 'Nhà máy dệt', contractorIds: ['ctv'] }))
    const person = (email: string, grant: Parameters<typeof createUser>[1]['grants'][number]) =>
      createUser(registry, { email, name: email, password: PASSWORD, grants: [grant] })
    await person('admin@example.vn', { role: 'admin' })
    await person('ctv@example.vn', { role: 'contractor', organisationId: 'ctv' })
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await platform?.stop()
  })

  it('lets an admin register an organisation and a facility in Vietnamese on a desktop', async () => {
    const { context, page } = await signedIn('admin@example.vn', 'vi-VN', DESKTOP)
    try {
      await page.locator('#admin-section:not([hidden])').waitFor({ timeout: 20_000 })
      expect(await page.locator('#admin-heading').textContent()).toBe('Cơ sở và tổ chức (quản trị)')
      await page.locator('#organisation-id').fill('dm-owner')
      await page.locator('#organisation-name').fill('Công ty Dệt May Hà Nội')
      await page.locator('#organisation-kind').selectOption('owner')
      await page.locator('#organisation-submit').click()
      await page.locator('#organisations-table td', { hasText: 'Công ty Dệt May Hà Nội' }).waitFor()

      await page.locator('#facility-id').fill('det-hn')
      await page.locator('#facility-name').fill('Nhà máy dệt Hà Nội')
      await page.locator('#facility-province').fill('Hà Nội')
      await page.locator('#facility-sector').fill('garment')
      await page.locator('#facility-address').fill('12 Đường Láng, Đống Đa')
      await page.locator('#facility-owner').selectOption('dm-owner')
      await page.locator('#facility-contractors input[value="ctv"]').check()
      await page.locator('#facility-hazards input[value="noise"]').check()
      await page.locator('#facility-shifts').fill('07:30 19:30')
      await page.locator('#facility-workers').fill('350')
      await page.locator('#facility-submit').click()
      await page.locator('#facility-message[data-kind="ok"]').waitFor({ timeout: 20_000 })
      expect(await page.locator('#facility-message').textContent()).toBe('Đã đăng ký cơ sở det-hn.')
      await page.locator('.facility-choice[data-facility="det-hn"]').waitFor()
      await shot(page, 'created-vi-desktop')
    } finally {
      await context.close()
    }

    const listed = await platform.call('GET', '/api/v1/facilities?limit=100')
    expect(listed.body.items.find((f: { id: string }) => f.id === 'det-hn')).toMatchObject({
      name: 'Nhà máy dệt Hà Nội',
      province: 'Hà Nội',
      provinceCode: '01',
      sector: 'garment',
      address: '12 Đường Láng, Đống Đa',
      ownerId: 'dm-owner',
      contractorIds: ['ctv'],
      hazards: ['noise'],
      profile: 'qcvn',
      shifts: { starts: ['07:30', '19:30'], utcOffsetMinutes: 420 },
      workers: 350,
    })
  })

  it('lets an admin change a facility in English on a phone, and shows the API refusing a bad province', async () => {
    const { context, page } = await signedIn('admin@example.vn', 'en-GB', PHONE)
    try {
      await page.locator('#admin-section:not([hidden])').waitFor({ timeout: 20_000 })
      await page.locator('[data-language="en"]').click()
      await page.locator('#facility-choice').selectOption('det-hn')
      expect(await page.locator('#facility-name').inputValue()).toBe('Nhà máy dệt Hà Nội')
      expect(await page.locator('#facility-submit').textContent()).toBe('Save facility')

      await page.locator('#facility-province').fill('Atlantis')
      await page.locator('#facility-submit').click()
      await page.locator('#facility-message[data-kind="error"]').waitFor({ timeout: 20_000 })
      const refusal = await page.locator('#facility-message').textContent()
      expect(refusal).toMatch(/^Refused: /)
      expect(refusal).toContain('province')
      expect(refusal).toContain('"Atlantis" is no provincial unit')
      await shot(page, 'refused-en-phone')

      await page.locator('#facility-province').fill('Hà Nội')
      await page.locator('#facility-workers').fill('420')
      await page.locator('#facility-submit').click()
      await page.locator('#facility-message[data-kind="ok"]').waitFor({ timeout: 20_000 })
      expect(await page.locator('#facility-message').textContent()).toBe('Facility det-hn saved.')
      await shot(page, 'changed-en-phone')
    } finally {
      await context.close()
    }
    const facility = await platform.call('GET', '/api/v1/facilities/det-hn')
    expect(facility.body).toMatchObject({ workers: 420, province: 'Hà Nội', ownerId: 'dm-owner' })
  })

  it('shows a contractor no admin form', async () => {
    const { context, page } = await signedIn('ctv@example.vn', 'vi-VN', DESKTOP)
    try {
      await page.locator('.facility-choice[data-facility="plant"]').waitFor({ timeout: 20_000 })
      for (const id of ['#admin-section', '#organisation-form', '#facility-form']) {
        expect(await page.locator(id).isVisible(), id).toBe(false)
      }
      // What the page hides, the API refuses.
      const forged = await page.evaluate(async () => {
        const session = await (await fetch('/api/v1/session')).json()
        const response = await fetch('/api/v1/organisations', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ id: 'forged', name: 'Forged', kind: 'owner' }),
        })
        return response.status
      })
      expect(forged).toBe(403)
    } finally {
      await context.close()
    }
  })

  it('lands each admin change in the audit trail under the admin', async () => {
    const audit = await platform.call('GET', '/api/v1/audit?limit=200')
    const changes = (audit.body.items as AuditEntry[]).filter((e) => e.action !== 'user.sign-in')
    const made = changes.map((e) => `${e.action} ${e.target.type}:${e.target.id} ${e.actor.name}`)
    expect(made).toEqual(
      expect.arrayContaining([
        'organisation.register organisation:dm-owner admin@example.vn',
        'facility.register facility:det-hn admin@example.vn',
        'facility.change facility:det-hn admin@example.vn',
      ]),
    )
    expect(made.filter((line) => line.includes('forged'))).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
