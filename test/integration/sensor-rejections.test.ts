import { mkdir } from 'node:fs/promises'
import { connectAsync, type MqttClient } from 'mqtt'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEAD_LETTER_TOPIC } from '../../core/topics.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { chromiumMissing, launchChromium } from '../support/browser.ts'
import { type Platform, type SensorCredentials, startPlatform, testFacility } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

const ARTIFACTS = new URL('../artifacts/', import.meta.url)

/**
 * #14 case 7 and #13's unregistered factor: a sensor sending garbage is told apart from one sending nothing.
 * Each refusal names the field and the problem, goes to the dead-letter topic, and the sensor's recent
 * refusals are readable by its facility's contractor and officer, in the API and on the live page.
 */
describe('a sensor’s refused messages, with their reasons', () => {
  let platform: Platform
  let meter: SensorCredentials
  let sensor: MqttClient
  let deadLetters: MqttClient
  let browser: Browser | undefined
  const missing = chromiumMissing()
  const letters: { reason: string; detail: string; topic: string }[] = []
  const keys: Record<string, string> = {}

  const asKey = async (key: string, path: string) => {
    const response = await fetch(`${platform.apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } })
    return { status: response.status, body: await response.json() }
  }

  beforeAll(async () => {
    if (missing === undefined) {
      await mkdir(ARTIFACTS, { recursive: true })
      browser = await launchChromium()
    }
    platform = await startPlatform()
    await platform.registry.createOrganisation({ id: 'ctv', name: 'Contractor', kind: 'contractor' })
    await platform.registry.createOrganisation({ id: 'other', name: 'Other contractor', kind: 'contractor' })
    await platform.registry.createFacility(
      testFacility('fac-r', { contractorIds: ['ctv'], hazards: ['noise'] }),
    )
    await platform.registry.createFacility(testFacility('fac-x', { contractorIds: ['other'] }))
    meter = await platform.registerSensor('fac-r', 'meter-1', ['noise'])
    for (const [name, scope] of Object.entries({
      contractor: { role: 'contractor', organisationId: 'ctv' },
      officer: { role: 'officer', facilityId: 'fac-r' },
      otherContractor: { role: 'contractor', organisationId: 'other' },
      otherOfficer: { role: 'officer', facilityId: 'fac-x' },
      regulator: { role: 'regulator' },
    } as const)) {
      keys[name] = (await issueApiKey(platform.registry, { name, ...scope })).token
    }
    keys.admin = platform.adminKey
    deadLetters = await connectAsync(platform.mqttUrl, { ...platform.service, reconnectPeriod: 0 })
    deadLetters.on('message', (_topic, payload) => letters.push(JSON.parse(payload.toString())))
    await deadLetters.subscribeAsync(DEAD_LETTER_TOPIC, { qos: 0 })
    sensor = await platform.connectSensor(meter)
    const send = (payload: object) => sensor.publishAsync(meter.topic, JSON.stringify(payload), { qos: 1 })
    await send({ factor: 'noise', value: 'loud', unit: 'dBA' })
    await send({ factor: 'nosie', value: 88, unit: 'dBA' })
    await send({ factor: 'noise', value: 88 })
    await send({ factor: 'gas.co', value: 12, unit: 'ppm' })
    await send({ factor: 'noise', value: 87.5, unit: 'dBA' })
    await waitUntil(
      async () => (await asKey(keys.contractor!, '/api/v1/sensors/meter-1/rejections')).body.total === 4,
      15_000,
      () => 'the four refusals were not recorded',
    )
  })

  afterAll(async () => {
    await browser?.close()
    await sensor?.endAsync()
    await deadLetters?.endAsync()
    await platform?.stop()
  })

  it('names the field and the problem of each refused message, newest first, and keeps the valid one', async () => {
    const { status, body } = await asKey(keys.contractor!, '/api/v1/sensors/meter-1/rejections')
    expect(status).toBe(200)
    expect(body.items.map((r: { reason: string; detail: string }) => [r.reason, r.detail])).toEqual([
      [
        'unregistered-factor',
        "sensor meter-1 is not registered for gas.co (registered: noise); add it to the sensor's factors to accept it",
      ],
      ['schema', 'unit: required'],
      ['schema', 'factor "nosie" is unknown — did you mean noise?'],
      ['schema', 'value: expected a number, got "loud"'],
    ])
    expect(body.items[3].payload).toBe('{"factor":"noise","value":"loud","unit":"dBA"}')
    expect(body.items[3].topic).toBe(meter.topic)
    expect(Date.parse(body.items[0].receivedAt)).toBeGreaterThan(Date.now() - 60_000)
    const latest = await asKey(keys.contractor!, '/api/v1/readings/latest?sensor=meter-1')
    // The noise reading only: the gas.co reading of a noise meter never becomes a tile.
    expect(latest.body.items.map((r: { factor: string; value: number }) => [r.factor, r.value])).toEqual([
      ['noise', 87.5],
    ])
  })

  it('counts the unregistered factor under its own reason and dead-letters it like the others', async () => {
    expect(platform.ingest.stats().rejected['unregistered-factor']).toBe(1)
    await waitUntil(
      async () => letters.length >= 4,
      5_000,
      () => JSON.stringify(letters),
    )
    expect(letters.map((l) => l.reason)).toEqual(['schema', 'schema', 'schema', 'unregistered-factor'])
    const metrics = await (await fetch(`${platform.apiUrl}/metrics`)).text()
    expect(metrics).toMatch(/reason="unregistered-factor"\} 1/)
  })

  it('pages through them (limit, offset) and refuses a bad page with 400', async () => {
    const page = await asKey(keys.officer!, '/api/v1/sensors/meter-1/rejections?limit=2&offset=1')
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 1 })
    expect(page.body.items.map((r: { detail: string }) => r.detail)).toEqual([
      'unit: required',
      'factor "nosie" is unknown — did you mean noise?',
    ])
    expect((await asKey(keys.officer!, '/api/v1/sensors/meter-1/rejections?limit=0')).status).toBe(400)
    expect((await asKey(keys.officer!, '/api/v1/sensors/meter-1/rejections?offset=-1')).status).toBe(400)
    expect((await asKey(keys.officer!, '/api/v1/sensors/..%2Fmeter-1/rejections')).status).toBe(400)
  })

  it.each([
    ['admin', 200],
    ['contractor', 200],
    ['officer', 200],
    ['otherContractor', 404],
    ['otherOfficer', 404],
    ['regulator', 404],
  ])('as %s: %i (others get the answer an unknown sensor gets)', async (who, expected) => {
    const known = await asKey(keys[who]!, '/api/v1/sensors/meter-1/rejections')
    expect(known.status).toBe(expected)
    if (expected === 404) {
      const unknown = await asKey(keys[who]!, '/api/v1/sensors/no-such-sensor/rejections')
      expect(unknown.status).toBe(404)
      expect(known.body.message).toBe('no sensor meter-1')
      expect(unknown.body.message).toBe('no sensor no-such-sensor')
    }
  })

  it('without a key: 401', async () => {
    expect((await fetch(`${platform.apiUrl}/api/v1/sensors/meter-1/rejections`)).status).toBe(401)
  })

  describe.skipIf(missing !== undefined && process.env.CI !== 'true')(
    `on the live page${missing ? ` (skipped: ${missing})` : ''}`,
    () => {
      it.each([
        ['vi-VN', 'Bản tin bị từ chối gần đây', 'Yếu tố chưa đăng ký'],
        ['en-GB', 'Recently refused messages', 'Factor not registered'],
      ])(
        'a contractor opens the sensor’s detail from its tile and reads the refusals (%s)',
        async (locale, heading, reason) => {
          const context = await browser!.newContext({ locale, viewport: { width: 1280, height: 900 } })
          await context.addInitScript(
            (token) => window.localStorage.setItem('quantrac.apiKey', token),
            keys.contractor!,
          )
          const page = await context.newPage()
          await page.goto(`${platform.apiUrl}/#fac-r`)
          await page.locator('.tile[data-sensor="meter-1"] .tile-sensor').click()
          const dialog = page.locator('#sensor-dialog')
          await dialog.waitFor()
          await expect.poll(() => dialog.locator('.rejection').count()).toBe(4)
          expect(await dialog.locator('h3').textContent()).toBe(heading)
          expect(await dialog.locator('.rejection-reason').first().textContent()).toBe(reason)
          expect(await dialog.locator('.rejection-detail').allTextContents()).toContain(
            'value: expected a number, got "loud"',
          )
          await page.screenshot({ path: new URL(`sensor-rejections-${locale}.png`, ARTIFACTS).pathname })
          await context.close()
        },
      )

      it('a regulator’s key is told the refusals are for the facility’s contractors and officers', async () => {
        const context = await browser!.newContext({ locale: 'en-GB' })
        await context.addInitScript(
          (token) => window.localStorage.setItem('quantrac.apiKey', token),
          keys.regulator!,
        )
        const page = await context.newPage()
        await page.goto(`${platform.apiUrl}/#fac-r`)
        await page.locator('.tile[data-sensor="meter-1"] .tile-sensor').click()
        await expect
          .poll(() => page.locator('#sensor-rejections-note').textContent())
          .toBe('Refused messages are shown to the facility’s contractors and officers.')
        await context.close()
      })
    },
  )
})
