import { generate } from 'otplib'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiSettings } from '../../api/config.ts'
import { SECOND_FACTOR_REQUIRED, SECOND_FACTOR_WRONG } from '../../api/routes/api/v1/session/index.ts'
import { createUser } from '../../registry/accounts.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'
import { startMailServer } from '../support/receivers.ts'

const missing = chromiumMissing()
const ARTIFACTS = new URL('../artifacts/', import.meta.url)
const ADMIN = { email: 'an@quantrac.vn', password: 'the admin password of an' }
const OFFICER = { email: 'cuong@plant.vn', password: 'the officer password' }

/** The account page in Chromium: an admin's second factor, API keys and people; an officer sees none of it. */
describe.skipIf(missing !== undefined)('the account page', () => {
  let platform: Platform
  let mail: Awaited<ReturnType<typeof startMailServer>>
  let browser: Browser
  let secret = ''
  let recoveryCodes: string[] = []
  const pageErrors: string[] = []

  beforeAll(async () => {
    mail = await startMailServer()
    platform = await startPlatform({ api: { accounts: { ...apiSettings().accounts, smtpUrl: mail.url } } })
    await platform.registry.createFacility(testFacility('plant-d'))
    await createUser(platform.registry, { ...ADMIN, name: 'An', grants: [{ role: 'admin' }] })
    await createUser(platform.registry, {
      ...OFFICER,
      name: 'Cường',
      grants: [{ role: 'officer', facilityId: 'plant-d' }],
    })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await platform?.stop()
    await mail?.stop()
  })

  async function open(locale: string, viewport = { width: 1440, height: 900 }) {
    const context = await browser.newContext({ locale, viewport, isMobile: viewport.width < 500 })
    const page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    await page.goto(`${platform.apiUrl}/account.html`)
    return { context, page }
  }
  async function signIn(page: Page, who: { email: string; password: string }, code?: string) {
    await page.locator('#password-form').waitFor()
    await page.locator('#password-email').fill(who.email)
    await page.locator('#password-input').fill(who.password)
    await page.locator('#password-submit').click()
    if (code === undefined) return
    // The code field appears when the API asks for it.
    await page.locator('#password-code').waitFor()
    await page.locator('#password-code').fill(code)
    await page.locator('#password-submit').click()
  }
  /** A session's cookie and CSRF token as headers, signed in over HTTP. */
  async function sessionCookie(email: string, password: string) {
    const response = await fetch(`${platform.apiUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    })
    const body = (await response.json()) as { csrfToken: string }
    return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': body.csrfToken }
  }
  function signInOverHttp(body: Record<string, string>) {
    return platform.call(
      'POST',
      '/api/v1/session',
      { email: ADMIN.email, password: ADMIN.password, ...body },
      null,
    )
  }

  it('an admin turns on two-step sign-in: QR code and secret once, a code confirms, recovery codes once', async () => {
    const { context, page } = await open('vi-VN')
    try {
      await signIn(page, ADMIN)
      await expect
        .poll(() => page.locator('#whoami').textContent())
        .toBe('Đang đăng nhập: an@quantrac.vn (quản trị).')
      await expect.poll(() => page.locator('#totp-section').getAttribute('data-state')).toBe('none')
      await page.locator('#totp-enrol').click()
      await page.locator('#totp-confirm-form').waitFor()
      expect(await page.locator('#totp-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
      secret = (await page.locator('#totp-secret').textContent())!
      expect(await page.locator('#totp-uri').textContent()).toBe(
        `otpauth://totp/quantrac:an%40quantrac.vn?secret=${secret}&issuer=quantrac`,
      )
      await page.screenshot({
        path: new URL('account-totp-enrol-desktop-vi.png', ARTIFACTS).pathname,
        fullPage: true,
      })
      await page.locator('#totp-code').fill(await generate({ secret }))
      await page.locator('#totp-confirm-form button[type="submit"]').click()
      await expect.poll(() => page.locator('#totp-recovery-codes li').count()).toBe(10)
      recoveryCodes = await page.locator('#totp-recovery-codes li').allTextContents()
      await expect.poll(() => page.locator('#totp-section').getAttribute('data-state')).toBe('in-force')
      expect(await page.locator('#totp-secret').textContent()).toBe('')
    } finally {
      await context.close()
    }

    // From now on sign-in asks for the code; a wrong one counts; a code of the next step opens it once.
    expect(await signInOverHttp({})).toMatchObject({ status: 401, body: { message: SECOND_FACTOR_REQUIRED } })
    const wrong = String((Number(await generate({ secret })) + 1) % 1_000_000).padStart(6, '0')
    expect(await signInOverHttp({ code: wrong })).toMatchObject({
      status: 401,
      body: { message: SECOND_FACTOR_WRONG },
    })
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 })
    expect((await signInOverHttp({ code: next })).status).toBe(200)
    expect(await signInOverHttp({ code: next })).toMatchObject({
      status: 401,
      body: { message: SECOND_FACTOR_WRONG },
    })
  })

  it('asks for the code in the sign-in dialog, takes a recovery code once, in English on a phone', async () => {
    const { context, page } = await open('en-GB', { width: 390, height: 844 })
    try {
      await signIn(page, ADMIN)
      await expect
        .poll(() => page.locator('#password-error').textContent())
        .toBe('This account needs a second factor: enter the code of your authenticator app.')
      expect(await page.locator('#password-code').isVisible()).toBe(true)
      await page.screenshot({ path: new URL('account-sign-in-code-phone-en.png', ARTIFACTS).pathname })
      await page.locator('#password-code').fill(recoveryCodes[0]!)
      await page.locator('#password-submit').click()
      await expect
        .poll(() => page.locator('#whoami').textContent())
        .toBe('Signed in as an@quantrac.vn (admin).')
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await page.screenshot({
        path: new URL('account-page-phone-en.png', ARTIFACTS).pathname,
        fullPage: true,
      })
    } finally {
      await context.close()
    }
    expect(await signInOverHttp({ recoveryCode: recoveryCodes[0]! })).toMatchObject({ status: 401 })
    expect((await signInOverHttp({ recoveryCode: recoveryCodes[1]!.toUpperCase() })).status).toBe(200)
  })

  it('an admin creates a key with an expiry (shown once) and revokes it; invites and disables people', async () => {
    const { context, page } = await open('vi-VN')
    try {
      await signIn(page, ADMIN, recoveryCodes[2])
      await page.locator('#key-name').fill('cổng dữ liệu 1')
      await page.locator('#key-role').selectOption('officer')
      await page.locator('#key-facility').fill('plant-d')
      await page.locator('#key-expires').fill('2099-12-31')
      await page.locator('#key-create-form button[type="submit"]').click()
      await expect.poll(() => page.locator('#key-token').textContent()).toMatch(/^qk_/)
      const token = (await page.locator('#key-token').textContent())!
      const row = page.locator('#keys-table tr[data-key-name="cổng dữ liệu 1"]')
      await expect.poll(() => row.textContent()).toContain('đang dùng')
      expect(await row.textContent()).toContain('plant-d')
      expect((await platform.call('GET', '/api/v1/facilities/plant-d', undefined, token)).status).toBe(200)
      const listed = await platform.call('GET', '/api/v1/keys?limit=500')
      expect(listed.body.items.find((k: { name: string }) => k.name === 'cổng dữ liệu 1').expiresAt).toMatch(
        /^2099-12-31/,
      )
      await page.screenshot({
        path: new URL('account-keys-desktop-vi.png', ARTIFACTS).pathname,
        fullPage: true,
      })
      await row.locator('.key-revoke').click()
      await expect.poll(() => row.textContent()).toContain('đã thu hồi')
      expect((await platform.call('GET', '/api/v1/facilities/plant-d', undefined, token)).status).toBe(401)

      await page.locator('#invite-email').fill('dung@plant.vn')
      await page.locator('#invite-name').fill('Dũng')
      await page.locator('#invite-role').selectOption('officer')
      await page.locator('#invite-facility').fill('plant-d')
      await page.locator('#invite-form button[type="submit"]').click()
      await expect
        .poll(() => page.locator('#people-message').textContent())
        .toMatch(/^Đã gửi lời mời đến dung@plant.vn/)
      await waitUntil(
        async () => mail.received.some((m) => m.to === 'dung@plant.vn'),
        30_000,
        () => 'no invitation mail',
      )
      const officerRow = page.locator(`#people-table tr[data-email="${OFFICER.email}"]`)
      await expect.poll(() => officerRow.textContent()).toContain('cán bộ an toàn (plant-d)')
      await officerRow.locator('.user-disable').click()
      await expect.poll(() => officerRow.textContent()).toContain('đã khóa')
      expect((await platform.call('POST', '/api/v1/session', { ...OFFICER }, null)).body.message).toBe(
        'this account is disabled',
      )
      await page.screenshot({
        path: new URL('account-people-desktop-vi.png', ARTIFACTS).pathname,
        fullPage: true,
      })
    } finally {
      await context.close()
    }
  })

  it('an officer sees no second factor or people, and makes and revokes keys of their own grant only', async () => {
    const em = await createUser(platform.registry, {
      email: 'em@plant.vn',
      password: OFFICER.password,
      name: 'Em',
      grants: [{ role: 'officer', facilityId: 'plant-d' }],
    })
    const { context, page } = await open('en-GB', { width: 390, height: 844 })
    try {
      await signIn(page, { email: 'em@plant.vn', password: OFFICER.password })
      await expect
        .poll(() => page.locator('#whoami').textContent())
        .toBe('Signed in as em@plant.vn (safety officer).')
      for (const section of ['#totp-section', '#people-section']) {
        expect(await page.locator(section).isVisible()).toBe(false)
      }
      await expect
        .poll(() => page.locator('#keys-heading').textContent())
        .toBe('My API keys (for my scripts: my role and reach)')
      expect(await page.locator('#key-role').isDisabled()).toBe(true)
      expect(await page.locator('#key-facility').inputValue()).toBe('plant-d')
      await page.locator('#key-name').fill('my export script')
      await page.locator('#key-create-form button[type="submit"]').click()
      await expect.poll(() => page.locator('#key-token').textContent()).toMatch(/^qk_/)
      const token = (await page.locator('#key-token').textContent())!
      const row = page.locator('#keys-table tr[data-key-name="my export script"]')
      await expect.poll(() => row.textContent()).toContain('active')
      expect(await page.locator('#keys-table tbody tr').count()).toBe(1)
      await page.screenshot({
        path: new URL('account-own-keys-phone-en.png', ARTIFACTS).pathname,
        fullPage: true,
      })
      expect((await platform.call('GET', '/api/v1/facilities/plant-d', undefined, token)).status).toBe(200)
      await row.locator('.key-revoke').click()
      await expect.poll(() => row.textContent()).toContain('revoked')
      expect((await platform.call('GET', '/api/v1/facilities/plant-d', undefined, token)).status).toBe(401)
    } finally {
      await context.close()
    }

    // Over HTTP, as the page's session: nothing beyond the grant, nobody else's key; a key makes no keys.
    const cookie = await sessionCookie('em@plant.vn', OFFICER.password)
    const asEm = (method: string, path: string, body?: unknown) =>
      fetch(`${platform.apiUrl}${path}`, {
        method,
        headers: body === undefined ? cookie : { ...cookie, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    expect((await asEm('POST', '/api/v1/keys', { name: 'wider', role: 'regulator' })).status).toBe(403)
    expect(
      (await asEm('POST', '/api/v1/keys', { name: 'other', role: 'officer', facilityId: 'plant-x' })).status,
    ).toBe(403)
    const adminsKey = (await platform.call('GET', '/api/v1/keys?limit=500')).body.items[0].id
    expect((await asEm('DELETE', `/api/v1/keys/${adminsKey}`)).status).toBe(403)
    const kept = await asEm('POST', '/api/v1/keys', { name: 'kept', role: 'officer', facilityId: 'plant-d' })
    expect(kept.status).toBe(201)
    const keptToken = ((await kept.json()) as { token: string }).token
    const listed = await platform.call('GET', '/api/v1/keys?limit=500')
    expect(listed.body.items.find((k: { name: string }) => k.name === 'kept').ownerUserId).toBe(em.id)
    // Disabling the person revokes their keys.
    expect((await platform.call('POST', `/api/v1/users/${em.id}/disable`)).status).toBe(200)
    expect((await platform.call('GET', '/api/v1/facilities/plant-d', undefined, keptToken)).status).toBe(401)
    expect(pageErrors).toEqual([])
  })
})
