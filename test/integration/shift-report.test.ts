import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseCsv } from '../../api/csv.ts'
import { DEFAULT_SHIFT_PATTERN, shiftStartAt } from '../../core/shifts.ts'
import { readingsTopic } from '../../core/topics.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

const influxUrl = inject('influxUrl')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
// The last complete shift, so that two hours of minute readings all lie in the past.
const SHIFT = shiftStartAt(shiftStartAt(Date.now(), DEFAULT_SHIFT_PATTERN) - 1, DEFAULT_SHIFT_PATTERN)
// CO, ppm: 10 ppm for two hours with a 15-minute leak of 60 ppm from minute 30.
const CO = Array.from({ length: 120 }, (_, minute) => (minute >= 30 && minute < 45 ? 60 : 10))
// Noise, dBA: 85 for the same two hours.
const NOISE = 85

/** A facility's shift report, from readings sent over MQTT to the figures, verdicts and CSV the API gives. */
function describeShiftReport(storeName: string, influx: string | undefined) {
  describe(`the shift report on ${storeName}`, () => {
    let platform: Platform
    let detector: MqttClient
    let meter: MqttClient
    const report = (query: string) => platform.call('GET', `/api/v1/exposures/shift?${query}`)

    beforeAll(async () => {
      platform = await startPlatform({ influxUrl: influx })
      await platform.registry.upsertFacility(testFacility('plant-1', { name: 'Nhà máy Xi măng' }))
      await platform.registry.createZone({ id: 'zone-kiln', facilityId: 'plant-1', name: '-1+1 Lò nung' })
      detector = await platform.connectSensor(await platform.registerSensor('plant-1', 'co-1', ['gas.co']))
      meter = await platform.connectSensor(await platform.registerSensor('plant-1', 'noise-1', ['noise']))
      await platform.registry.updateSensor('co-1', { zoneId: 'zone-kiln' })
      for (let first = 0; first < CO.length; first += 60) {
        const minutes = CO.slice(first, first + 60).map((_, i) => first + i)
        await detector.publishAsync(
          readingsTopic('plant-1', 'co-1'),
          JSON.stringify({
            readings: minutes.map((m) => ({
              factor: 'gas.co',
              value: CO[m],
              unit: 'ppm',
              ts: SHIFT + m * MINUTE,
            })),
          }),
          { qos: 1 },
        )
        await meter.publishAsync(
          readingsTopic('plant-1', 'noise-1'),
          JSON.stringify({
            readings: minutes.map((m) => ({
              factor: 'noise',
              value: NOISE,
              unit: 'dBA',
              ts: SHIFT + m * MINUTE,
            })),
          }),
          { qos: 1 },
        )
      }
      await waitUntil(
        async () => {
          const { body } = await report(`facility=plant-1&at=${SHIFT + 60 * MINUTE}`)
          const co = body.items?.find((i: { sensorId: string }) => i.sensorId === 'co-1')
          const noise = body.items?.find((i: { sensorId: string }) => i.sensorId === 'noise-1')
          // Both hours of both sensors judged: the figures of the last reading's arrival, not of the first batch.
          const measured = (figure: { basis?: { measuredMs?: number } } | undefined) =>
            figure?.basis?.measuredMs
          return (
            measured(co?.verdicts?.twa) === 119 * MINUTE && measured(noise?.verdicts?.dose) === 119 * MINUTE
          )
        },
        20_000,
        () => 'the shift’s figures never reached the store',
      )
    })

    afterAll(async () => {
      await detector?.endAsync()
      await meter?.endAsync()
      await platform?.stop()
    })

    it('gives each sensor and factor its TWA, peak STEL, dose, LEX,8h and coverage, with verdicts and basis', async () => {
      const { status, body } = await report(
        `facility=plant-1&at=${new Date(SHIFT + 90 * MINUTE).toISOString()}`,
      )
      expect(status).toBe(200)
      expect(body.facilityName).toBe('Nhà máy Xi măng')
      expect(Date.parse(body.shift.start)).toBe(SHIFT)
      expect(body.shift.hours).toBe(8)
      expect(Date.parse(body.shift.previousAt)).toBe(SHIFT - 1)
      const co = body.items.find((i: { sensorId: string }) => i.sensorId === 'co-1')
      // Each reading stands until the next: 119 measured minutes over the 8-h reference.
      const twa = CO.slice(0, 119).reduce((sum, value) => sum + value, 0) / 480
      expect(co.twa).toBeCloseTo(twa, 6)
      // The 15 minutes of the leak, all at 60 ppm.
      expect(co.peakStel).toBeCloseTo(60, 6)
      expect(co.zone).toBe('-1+1 Lò nung')
      expect(co.coverage).toBe(1)
      // The window of minutes 30–44 closes when the reading of minute 45 comes.
      expect(Date.parse(co.peakStelAt)).toBe(SHIFT + 45 * MINUTE)
      // 60 ppm is above QCVN 03's STEL of 40 mg/m³ (34.9 ppm): the worst window exceeds, the last does not.
      expect(co.verdicts.stel.verdict).toBe('exceeds')
      expect(co.stel).toBeCloseTo(10, 6)
      // Two hours of an eight-hour shift: not enough to say "within", and no certain exceedance.
      expect(co.verdicts.twa.verdict).toBe('insufficient-data')
      expect(co.verdicts.twa.basis.measuredMs).toBe(119 * MINUTE)
      const noise = body.items.find((i: { sensorId: string }) => i.sensorId === 'noise-1')
      expect(noise.unit).toBe('dBA')
      // 85 dBA is 100 % of the 8-h dose per 8 hours: 119 minutes of it is a quarter.
      expect(noise.dose).toBeCloseTo((119 / 480) * 100, 1)
      expect(noise.lex8h).toBeCloseTo(85 + 10 * Math.log10(119 / 480), 1)
      expect(noise.verdicts.dose.verdict).toBe('insufficient-data')
    })

    it('is empty for a shift without figures, and names the shift before it', async () => {
      const { status, body } = await report(`facility=plant-1&at=${SHIFT - 1}`)
      expect(status).toBe(200)
      expect(body.items).toEqual([])
      expect(Date.parse(body.shift.start)).toBe(shiftStartAt(SHIFT - 1, DEFAULT_SHIFT_PATTERN))
    })

    it('exports one CSV row per sensor and factor, through the writer that neutralises formulas', async () => {
      const response = await fetch(
        `${platform.apiUrl}/api/v1/exposures/shift?facility=plant-1&at=${SHIFT + MINUTE}&format=csv`,
        { headers: { authorization: `Bearer ${platform.adminKey}` } },
      )
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="shift-plant-1-/)
      const [header, ...rows] = parseCsv(await response.text())
      expect(rows).toHaveLength(2)
      const co = Object.fromEntries(
        header!.map((column, i) => [column, rows.find((r) => r[3] === 'co-1')![i]]),
      )
      expect(Number(co.peak_stel)).toBeCloseTo(60, 3)
      expect(co.twa_verdict).toBe('insufficient-data')
      expect(co.stel_verdict).toBe('exceeds')
      expect(co.twa_reasons).toContain('share-below-minimum')
      // The zone's name a person typed stays text: a spreadsheet would run "-1+1".
      expect(co.zone).toBe("'-1+1 Lò nung")
    })

    it("gives a sensor's history as min, mean and max per interval, as JSON and as CSV", async () => {
      const query = `factor=gas.co&from=${SHIFT}&to=${SHIFT + 60 * MINUTE}&interval=15m`
      const { body } = await platform.call('GET', `/api/v1/sensors/co-1/readings?${query}`)
      expect(body.points.map((p: object) => p)).toEqual([
        { time: new Date(SHIFT).toISOString(), min: 10, mean: 10, max: 10, count: 15 },
        { time: new Date(SHIFT + 15 * MINUTE).toISOString(), min: 10, mean: 10, max: 10, count: 15 },
        { time: new Date(SHIFT + 30 * MINUTE).toISOString(), min: 60, mean: 60, max: 60, count: 15 },
        { time: new Date(SHIFT + 45 * MINUTE).toISOString(), min: 10, mean: 10, max: 10, count: 15 },
      ])
      const response = await fetch(`${platform.apiUrl}/api/v1/sensors/co-1/readings?${query}&format=csv`, {
        headers: { authorization: `Bearer ${platform.adminKey}` },
      })
      expect(response.headers.get('content-disposition')).toMatch(
        /^attachment; filename="readings-co-1-gas.co-/,
      )
      const [header, first] = parseCsv(await response.text())
      expect(header).toEqual([
        'sensor',
        'factor',
        'unit',
        'interval_start',
        'interval',
        'min',
        'mean',
        'max',
        'count',
        'laeq',
      ])
      // CO is no level in decibels: no LAeq.
      expect(first).toEqual([
        'co-1',
        'gas.co',
        'ppm',
        new Date(SHIFT).toISOString(),
        '15m',
        '10',
        '10',
        '10',
        '15',
        '',
      ])
      const noise = await platform.call(
        'GET',
        `/api/v1/sensors/noise-1/readings?factor=noise&from=${SHIFT}&to=${SHIFT + HOUR}&interval=1h`,
      )
      // A constant 85 dBA averages to 85 dBA by energy too (within floating point).
      expect(noise.body.points[0].laeq).toBeCloseTo(85, 9)
    })

    it.each([
      ['facility=plant-1&at=yesterday', 'querystring.at'],
      ['at=0', 'querystring.facility'],
      ['facility=plant-1&shift=1', 'shift'],
      ['facility=plant-1&format=xlsx', 'querystring.format'],
    ])('refuses %s, naming %s', async (query, field) => {
      const { status, body } = await report(query)
      expect(status).toBe(400)
      expect(body.message).toContain(field)
    })

    it('answers an unknown facility as one the key does not reach', async () => {
      expect((await report('facility=nope')).status).toBe(404)
    })
  })
}

describeShiftReport('the embedded SQLite store', undefined)
if (influxUrl === null) {
  describe.skip('the shift report on InfluxDB: skipped, influxd is not installed', () => {
    it('needs influxd', () => {})
  })
} else {
  describeShiftReport('InfluxDB 1.x', influxUrl)
}
