import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { NODE_PATH, parseEnvFile, QUANTRAC, quantrac } from '../support/cli.ts'
import { freePort } from '../support/ports.ts'
import { startProcess, stopProcess, waitUntil } from '../support/processes.ts'

const ARTIFACTS = new URL('../artifacts/', import.meta.url)

/**
 * People sign in from outside: `quantrac start` with its demo, `quantrac admin create-user` as a subprocess
 * on the same data directory, then Chromium signs in with e-mail and password on the live page.
 */
function describeAccountsPage() {
  describe('signing in on the live page with e-mail and password', () => {
    let scratch: string
    let env: NodeJS.ProcessEnv
    let url: string
    let running: ReturnType<typeof startProcess>
    let browser: Browser
    let adminKey: string
    const pageErrors: string[] = []
    /** Everything quantrac start wrote. */
    let log = ''

    async function createUser(args: string[]) {
      const created = await quantrac(['admin', 'create-user', ...args], env)
      expect(created.code, created.stderr).toBe(0)
      return created.stdout.trim()
    }

    async function signIn(page: Page, email: string, password: string) {
      await page.goto(`${url}/`)
      await page.locator('#password-form').waitFor()
      await page.locator('#password-email').fill(email)
      await page.locator('#password-input').fill(password)
      await page.locator('#password-submit').click()
    }

    beforeAll(async () => {
      await mkdir(ARTIFACTS, { recursive: true })
      scratch = await mkdtemp(join(tmpdir(), 'quantrac-accounts-'))
      const [httpPort, mqttPort] = [await freePort(), await freePort()]
      env = {
        QUANTRAC_DATA_DIR: join(scratch, 'data'),
        QUANTRAC_HTTP_PORT: String(httpPort),
        QUANTRAC_MQTT_PORT: String(mqttPort),
      }
      url = `http://127.0.0.1:${httpPort}`
      running = startProcess(process.execPath, [...QUANTRAC, 'start'], { PATH: NODE_PATH, ...env })
      running.child.stdout?.on('data', (chunk) => (log += chunk))
      running.child.stderr?.on('data', (chunk) => (log += chunk))
      await waitUntil(
        async () => (await fetch(`${url}/health`).catch(() => undefined))?.ok === true,
        60_000,
        () => `quantrac start did not come up: ${running.output()}`,
      )
      adminKey = parseEnvFile(await readFile(join(scratch, 'data', 'demo-keys.env'), 'utf8'))
        .QUANTRAC_ADMIN_KEY!
      browser = await launchChromium()
    }, 90_000)

    afterAll(async () => {
      await browser?.close()
      if (running !== undefined) await stopProcess(running.child)
      await rm(scratch, { recursive: true, force: true })
    })

    it('signs an officer in (Vietnamese), shows their facility and no other, and refuses another facility', async () => {
      const password = await createUser([
        '--email',
        'Thu.Officer@Example.VN',
        '--name',
        'Trần Thị Thu',
        '--role',
        'officer',
        '--facility',
        'fac-002',
      ])
      const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 800 } })
      const page = await context.newPage()
      page.on('pageerror', (err) => pageErrors.push(err.message))
      try {
        await page.goto(`${url}/`)
        await page.locator('#password-form').waitFor()
        expect(await page.locator('#password-title').textContent()).toBe('Đăng nhập')
        // A wrong password first: the error shows, in the page's language.
        await page.locator('#password-email').fill('thu.officer@example.vn')
        await page.locator('#password-input').fill('not the password at all')
        await page.locator('#password-submit').click()
        await page.locator('#password-error:not([hidden])').waitFor()
        expect(await page.locator('#password-error').textContent()).toBe('Sai e-mail hoặc mật khẩu.')
        await page.screenshot({ path: new URL('accounts-sign-in-vi.png', ARTIFACTS).pathname })

        await page.locator('#password-input').fill(password)
        await page.locator('#password-submit').click()
        await expect.poll(() => page.locator('#facility').inputValue(), { timeout: 20_000 }).toBe('fac-002')
        expect(await page.locator('#facility option').count()).toBe(1)
        await page.locator('#connection[data-state="live"]').waitFor({ timeout: 20_000 })
        expect(await page.locator('#sign-out').isHidden()).toBe(false)
        const cookies = await context.cookies()
        expect(cookies.find((cookie) => cookie.name === 'quantrac_session')).toMatchObject({
          httpOnly: true,
          sameSite: 'Strict',
        })
        // The page's own scripts cannot read the session; another facility is refused.
        expect(await page.evaluate(() => document.cookie)).not.toContain('quantrac_session')
        const foreign = await page.evaluate(async () => (await fetch('/api/v1/facilities/fac-001')).status)
        expect(foreign).toBe(403)
        await page.screenshot({
          path: new URL('accounts-officer-vi.png', ARTIFACTS).pathname,
          fullPage: true,
        })

        await page.locator('#sign-out').click()
        await page.locator('#password-form').waitFor()
        await expect
          .poll(async () => page.evaluate(async () => (await fetch('/api/v1/session')).status))
          .toBe(401)
      } finally {
        await context.close()
      }
    }, 90_000)

    it('signs a contractor in (English) who reaches only the facility it serves, and no log line holds a password', async () => {
      expect(
        (
          await quantrac(
            [
              'admin',
              'create-organisation',
              '--id',
              'c-two',
              '--name',
              'Contractor Two',
              '--kind',
              'contractor',
            ],
            env,
          )
        ).code,
      ).toBe(0)
      const patched = await fetch(`${url}/api/v1/facilities/fac-003`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ contractorIds: ['demo-contractor', 'c-two'] }),
      })
      expect(patched.status).toBe(200)
      const password = await createUser([
        '--email',
        'contractor.two@example.vn',
        '--name',
        'Contractor Two field engineer',
        '--role',
        'contractor',
        '--organisation',
        'c-two',
      ])
      const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } })
      const page = await context.newPage()
      page.on('pageerror', (err) => pageErrors.push(err.message))
      try {
        await page.goto(`${url}/`)
        await page.locator('#password-form').waitFor()
        expect(await page.locator('#password-title').textContent()).toBe('Sign in')
        await signIn(page, 'contractor.two@example.vn', password)
        await expect.poll(() => page.locator('#facility').inputValue(), { timeout: 20_000 }).toBe('fac-003')
        expect(await page.locator('#facility option').count()).toBe(1)
        const foreign = await page.evaluate(
          async () => (await fetch('/api/v1/facilities/fac-001/sensors')).status,
        )
        expect(foreign).toBe(403)
        // A write without the session's CSRF token is refused, whatever the cookie.
        const forged = await page.evaluate(
          async () =>
            (
              await fetch('/api/v1/facilities/fac-003/zones', {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ id: 'zone-forged', name: 'Forged' }),
              })
            ).status,
        )
        expect(forged).toBe(403)
        await page.screenshot({
          path: new URL('accounts-contractor-en-phone.png', ARTIFACTS).pathname,
          fullPage: true,
        })
      } finally {
        await context.close()
      }
      expect(log).toContain('sign-in refused')
      expect(log).not.toContain(password)
      expect(log).not.toContain('not the password at all')
      expect(pageErrors).toEqual([])
    }, 90_000)
  })
}

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI !== 'true') describe.skip(`accounts page (${missing})`, () => {})
else describeAccountsPage()
