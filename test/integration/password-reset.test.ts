import type { Browser, BrowserContext } from 'playwright-core'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiSettings } from '../../api/config.ts'
import { createUser, issueAccountToken } from '../../registry/accounts.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'
import { type ReceivedMail, startMailServer } from '../support/receivers.ts'

const missing = chromiumMissing()
const ARTIFACTS = new URL('../artifacts/', import.meta.url)
const OLD_PASSWORD = 'the old password of lan'
const LINK = /(http:\/\/\S+\/password\.html#token=([A-Za-z0-9_-]{43}))/

/** Password resets and invitations by e-mail, through a real SMTP server, in HTTP and in Chromium. */
describe.skipIf(missing !== undefined)('a person gets back in, or in for the first time, by e-mail', () => {
  let platform: Platform
  let mail: Awaited<ReturnType<typeof startMailServer>>
  let browser: Browser

  beforeAll(async () => {
    mail = await startMailServer()
    platform = await startPlatform({ api: { accounts: { ...apiSettings().accounts, smtpUrl: mail.url } } })
    await platform.registry.createFacility(testFacility('plant-c'))
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await platform?.stop()
    await mail?.stop()
  })

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${platform.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
    return {
      status: response.status,
      body: await response.json().catch(() => undefined),
      headers: response.headers,
    }
  }
  async function signIn(email: string, password: string) {
    const response = await post('/api/v1/session', { email, password })
    const cookie = response.headers.get('set-cookie')?.split(';')[0]
    return { status: response.status, cookie }
  }
  async function mailTo(address: string, count = 1): Promise<ReceivedMail> {
    await waitUntil(
      async () => mail.received.filter((m) => m.to === address).length >= count,
      30_000,
      () => `no mail to ${address}`,
    )
    return mail.received.filter((m) => m.to === address)[count - 1]!
  }
  async function page(context: BrowserContext, url: string) {
    const opened = await context.newPage()
    const errors: string[] = []
    opened.on('pageerror', (err) => errors.push(err.message))
    await opened.goto(url)
    return { page: opened, errors }
  }

  it('answers the same for an unknown e-mail, mails a known one, and the link sets a password once, ending other sessions', async () => {
    await createUser(platform.registry, {
      email: 'lan@plant.vn',
      name: 'Lan',
      password: OLD_PASSWORD,
      grants: [{ role: 'officer', facilityId: 'plant-c' }],
    })
    const before = await signIn('lan@plant.vn', OLD_PASSWORD)
    expect(before.status).toBe(200)
    const socket = io(platform.apiUrl, {
      transports: ['websocket'],
      extraHeaders: { cookie: before.cookie! },
      reconnection: false,
      forceNew: true,
    })
    expect(await socket.emitWithAck('join', 'plant-c')).toMatchObject({ ok: true })
    const socketEnded = new Promise((resolve) => socket.once('key-refused', resolve))

    const unknown = await post('/api/v1/password-resets', { email: 'nobody@plant.vn' })
    const known = await post('/api/v1/password-resets', { email: ' LAN@plant.vn ' })
    expect(known.status).toBe(202)
    expect(unknown).toEqual({ ...known, headers: unknown.headers })
    const message = await mailTo('lan@plant.vn')
    expect(message.subject).toBe('Đặt lại mật khẩu quantrac · Reset your quantrac password')
    expect(message.text).toMatch(/^Xin chào Lan,/)
    expect(message.text).toContain('Hello Lan,')
    const [, link, token] = LINK.exec(message.text)!
    expect(link!.startsWith(platform.apiUrl)).toBe(true)

    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1440, height: 900 } })
    try {
      const { page: reset, errors } = await page(context, link!)
      await expect.poll(() => reset.locator('#reset-title').textContent()).toBe('Đặt mật khẩu')
      expect(new URL(reset.url()).hash).toBe('')
      expect(await reset.locator('#forgot-form').isVisible()).toBe(false)
      await reset.locator('#new-password').fill('a brand new password')
      await reset.locator('#repeat-password').fill('a brand new password')
      await reset.screenshot({ path: new URL('password-set-desktop-vi.png', ARTIFACTS).pathname })
      await reset.locator('#set-form button[type="submit"]').click()
      await expect
        .poll(() => reset.locator('#reset-result').textContent())
        .toBe('Đã đặt mật khẩu. Hãy đăng nhập bằng lan@plant.vn.')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }

    // The session from before the reset is over, its live connection too; the old password is, the new one signs in.
    expect(await socketEnded).toBeDefined()
    socket.close()
    const whoAmI = await fetch(`${platform.apiUrl}/api/v1/session`, { headers: { cookie: before.cookie! } })
    expect(whoAmI.status).toBe(401)
    expect((await signIn('lan@plant.vn', OLD_PASSWORD)).status).toBe(401)
    expect((await signIn('lan@plant.vn', 'a brand new password')).status).toBe(200)

    const again = await post('/api/v1/password-resets/redeem', { token, password: 'yet another password' })
    expect(again).toMatchObject({
      status: 410,
      body: { message: 'token: this link was used already; ask for a new one' },
    })
    const forged = await post('/api/v1/password-resets/redeem', {
      token: 'A'.repeat(43),
      password: 'yet another password',
    })
    expect(forged).toMatchObject({
      status: 404,
      body: { message: 'token: this link is not valid; ask for a new one' },
    })
    const lan = (await platform.registry.findUserByEmail('lan@plant.vn'))!
    const expired = await issueAccountToken(platform.registry, {
      purpose: 'password-reset',
      userId: lan.id,
      createdAt: Date.now() - 7_200_000,
      expiresAt: Date.now() - 3_600_000,
    })
    const late = await post('/api/v1/password-resets/redeem', {
      token: expired,
      password: 'yet another password',
    })
    expect(late).toMatchObject({
      status: 410,
      body: { message: 'token: this link expired; ask for a new one' },
    })
    const short = await post('/api/v1/password-resets/redeem', { token: 'short', password: 'x' })
    expect(short.status).toBe(400)
    expect(short.body.message).toMatch(/token/)
  })

  it('throttles resets to one e-mail, known or not, to 3 an hour', async () => {
    for (const email of ['lan@plant.vn', 'nobody.else@plant.vn']) {
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await post('/api/v1/password-resets', { email })).status)
      // lan@ asked once already in the test above.
      expect(statuses).toEqual(email === 'lan@plant.vn' ? [202, 202, 429, 429] : [202, 202, 202, 429])
    }
  })

  it('asks for a reset from the page on a phone, in English, and the mail reads English first', async () => {
    await createUser(platform.registry, {
      email: 'minh@plant.vn',
      name: 'Minh',
      password: OLD_PASSWORD,
      grants: [{ role: 'officer', facilityId: 'plant-c' }],
    })
    const context = await browser.newContext({
      locale: 'en-GB',
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    })
    try {
      const { page: forgot, errors } = await page(context, `${platform.apiUrl}/password.html`)
      expect(await forgot.locator('#reset-title').textContent()).toBe('Forgot your password')
      expect(await forgot.locator('#set-form').isVisible()).toBe(false)
      await forgot.locator('#forgot-email').fill('minh@plant.vn')
      await forgot.locator('#forgot-form button[type="submit"]').click()
      await expect.poll(() => forgot.locator('#reset-result').isVisible()).toBe(true)
      await forgot.screenshot({ path: new URL('password-forgot-phone-en.png', ARTIFACTS).pathname })
      const message = await mailTo('minh@plant.vn')
      expect(message.subject).toBe('Reset your quantrac password · Đặt lại mật khẩu quantrac')
      const [, link] = LINK.exec(message.text)!
      const { page: reset } = await page(context, link!)
      await reset.locator('#new-password').fill('minh chose this one')
      await reset.locator('#repeat-password').fill('minh chose this one')
      await reset.locator('#set-form button[type="submit"]').click()
      await expect
        .poll(() => reset.locator('#reset-result').textContent())
        .toBe('Your password is set. Sign in as minh@plant.vn.')
      const width = await reset.evaluate(() => document.documentElement.scrollWidth)
      expect(width).toBeLessThanOrEqual(390)
      await reset.screenshot({ path: new URL('password-set-phone-en.png', ARTIFACTS).pathname })
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
    expect((await signIn('minh@plant.vn', 'minh chose this one')).status).toBe(200)
  })

  it('an admin invites an officer, who chooses a password from the link and signs in to their facility', async () => {
    const headers = { authorization: `Bearer ${platform.adminKey}` }
    const invited = await post(
      '/api/v1/invitations',
      { email: 'hoa@plant.vn', name: 'Hoa', grant: { role: 'officer', facilityId: 'plant-c' } },
      headers,
    )
    expect(invited.status).toBe(201)
    expect(invited.body.user).toMatchObject({
      email: 'hoa@plant.vn',
      grants: [{ role: 'officer', facilityId: 'plant-c' }],
    })
    const twice = await post(
      '/api/v1/invitations',
      { email: 'hoa@plant.vn', name: 'Hoa', grant: { role: 'officer', facilityId: 'plant-c' } },
      headers,
    )
    expect(twice.status).toBe(409)
    const noFacility = await post(
      '/api/v1/invitations',
      { email: 'x@plant.vn', name: 'X', grant: { role: 'officer' } },
      headers,
    )
    expect(noFacility.status).toBe(400)
    expect(noFacility.body.message).toMatch(/facilityId/)
    // Before the link is used, no password opens the account.
    expect((await signIn('hoa@plant.vn', OLD_PASSWORD)).status).toBe(401)

    const message = await mailTo('hoa@plant.vn')
    expect(message.subject).toBe('Lời mời tham gia quantrac · Your invitation to quantrac')
    expect(message.text).toContain('test admin mời bạn dùng quantrac (vai trò: cán bộ an toàn)')
    const [, link] = LINK.exec(message.text)!
    for (const [language, viewport] of [
      ['vi-VN', { width: 390, height: 844 }],
      ['en-GB', { width: 1440, height: 900 }],
    ] as const) {
      const context = await browser.newContext({ locale: language, viewport })
      try {
        const { page: invitation } = await page(context, link!)
        await invitation.screenshot({
          path: new URL(`invitation-${viewport.width}-${language.slice(0, 2)}.png`, ARTIFACTS).pathname,
        })
        if (language === 'en-GB') {
          await invitation.locator('#new-password').fill('hoa is in at last')
          await invitation.locator('#repeat-password').fill('hoa is in at last')
          await invitation.locator('#set-form button[type="submit"]').click()
          await expect.poll(() => invitation.locator('#reset-result').isVisible()).toBe(true)
        }
      } finally {
        await context.close()
      }
    }
    const session = await signIn('hoa@plant.vn', 'hoa is in at last')
    expect(session.status).toBe(200)
    const me = await fetch(`${platform.apiUrl}/api/v1/session`, { headers: { cookie: session.cookie! } })
    expect(await me.json()).toMatchObject({ kind: 'session', role: 'officer', facilities: ['plant-c'] })
  })
})
