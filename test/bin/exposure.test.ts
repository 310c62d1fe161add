import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runExposure } from '../../bin/exposure.ts'
import { HOUR, MINUTE, SHIFT_START, steady, within } from '../core/exposure/readings.ts'

/** 8-hour shifts from SHIFT_START (midnight UTC), so that steady() readings fill one shift. */
const UTC_SHIFTS = ['--shifts', '00:00,08:00,16:00', '--utc-offset', '+00:00']

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-exposure-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function run(argv: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await runExposure(argv, {
    readFile: (path) => readFile(path, 'utf8'),
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  })
  const out = stdout.join('\n')
  return { code, out, json: out.startsWith('{') ? JSON.parse(out) : undefined, stderr: stderr.join('\n') }
}

async function csv(name: string, rows: readonly string[], header = 'timestamp,value') {
  const path = join(dir, name)
  await writeFile(path, `${header}\n${rows.join('\n')}\n`)
  return path
}

function isoRows(readings: readonly { time: number; value: number }[], format = (v: number) => String(v)) {
  return readings.map(({ time, value }) => `${new Date(time).toISOString()},${format(value)}`)
}

const kinds = (exceedances: { kind: string; level: string }[]) =>
  exceedances.map((e) => `${e.kind}:${e.level}`)

describe('quantrac exposure: figures', () => {
  it('judges a WBGT meter export by its highest 1-hour mean against ISO 7243 for heavy work', async () => {
    // 2 h at 24 °C, 1 h at 27 °C, 1 h at 24 °C: the worst hour is 27 °C, over heavy work's 25 °C.
    const readings = steady([
      [120, 24],
      [60, 27],
      [60, 24],
    ])
    const file = await csv('wbgt.csv', isoRows(readings))
    const { code, json } = await run(['--factor', 'wbgt', '--variant', 'heavy-work', ...UTC_SHIFTS, file])
    expect(code).toBe(0)
    const [shift] = json.shifts
    expect(within(shift.hourMean, 27)).toBe(true)
    expect(json.limit.hourMean.value).toBe(25)
    expect(kinds(shift.exceedances)).toEqual(['heat-stress:alarm'])
    // The worst hour of the shift decides, not the last one (24 °C).
    expect(shift.verdicts.hourMean.verdict).toBe('exceeds')
    expect(json.verdicts.hourMean.verdict).toBe('exceeds')
    // No TWA of a temperature.
    expect(shift).not.toHaveProperty('twa')
    expect(json.verdicts).not.toHaveProperty('twa')
  })

  it('reports an OSHA mixed-level noise shift as a 100 % dose', async () => {
    const readings = steady([
      [240, 90],
      [120, 95],
      [120, 85],
    ])
    const file = await csv(
      'noise.csv',
      readings.map(({ time, value }) => `${time},${value}`),
    )
    const { code, json } = await run(['--profile', 'osha', '--factor', 'noise', ...UTC_SHIFTS, file])
    expect(code).toBe(0)
    expect(json).toMatchObject({ factor: 'noise', profile: 'osha', samples: 481 })
    expect(json.shifts).toHaveLength(1)
    const [shift] = json.shifts
    expect(shift).toMatchObject({ samples: 481, max: 95, hours: 8, coverage: 1 })
    expect(within(shift.dosePercent, 100)).toBe(true)
    expect(within(shift.twa, 90)).toBe(true)
    // LEX,8h = 10 · log10((4 · 10^9 + 2 · 10^9.5 + 2 · 10^8.5) / 8) = 91.366
    expect(within(shift.lex8h, 91.366)).toBe(true)
    expect(within(shift.stel, 95)).toBe(true)
    expect(json.limit.twa.value).toBe(90)
    expect(kinds(shift.exceedances)).toContain('dose:warning')
    // OSHA's 5-dB rule: LEX,8h is an equal-energy figure, not compared with it.
    expect(shift.verdicts).not.toHaveProperty('lex8h')
  })

  it('converts readings in mg/m³ and finds the CO STEL peak under QCVN 03', async () => {
    const ppmToMg = (ppm: number) => (ppm * 28.01) / 24.45
    const readings = steady([
      [120, 5],
      [15, 60],
      [345, 5],
    ])
    const file = await csv(
      'co.csv',
      isoRows(readings, (ppm) => ppmToMg(ppm).toFixed(6)),
    )
    const { code, json } = await run(['--factor', 'gas.co', '--unit', 'mg/m3', ...UTC_SHIFTS, file])
    expect(code).toBe(0)
    expect(json.profile).toBe('qcvn')
    expect(json.unit).toBe('ppm')
    expect(json.read.unit).toBe('mg/m³')
    const [shift] = json.shifts
    expect(within(shift.twa, 6.71875)).toBe(true)
    expect(within(shift.stel, 60)).toBe(true)
    expect(within(json.limit.stel.value, 34.916)).toBe(true)
    expect(shift.dosePercent).toBeUndefined()
    // The 15-min mean passes the warning (17.46 ppm) at 02:04, (11 · 5 + 4 · 60) / 15 = 19.7 ppm,
    // and the limit (34.92 ppm) at 02:09, (6 · 5 + 9 · 60) / 15 = 38 ppm: one exceedance, escalated.
    const stel = shift.exceedances.filter((e: { kind: string }) => e.kind === 'stel')
    expect(stel).toMatchObject([{ level: 'alarm', from: new Date(SHIFT_START + 124 * MINUTE).toISOString() }])
    // The peak was at 02:15; the last 15 minutes were at 5 ppm. The shift's STEL exceeds all the same.
    expect(shift.verdicts.stel.verdict).toBe('exceeds')
    expect(shift.verdicts.twa.verdict).toBe('within')
    expect(json.verdicts.twa.verdict).toBe('within')
  })

  it('judges an office against QCVN 24 Table 2 with --variant office', async () => {
    const file = await csv('office.csv', isoRows(steady([[480, 65]])))
    const { json } = await run(['--factor', 'noise', '--variant', 'office', ...UTC_SHIFTS, file])
    expect(within(json.shifts[0].dosePercent, 100)).toBe(true)
    expect(json.limit.twa.value).toBe(65)
  })

  it('ignores duplicate and older readings and counts values outside the physical range', async () => {
    const t = (minutes: number) => SHIFT_START + minutes * MINUTE
    const file = await csv('dup.csv', [
      `${t(0)},10`,
      `${t(1)},10`,
      `${t(1)},900`,
      `${t(0.5)},900`,
      `${t(2)},-5`,
      `${t(3)},10`,
    ])
    const { json } = await run(['--factor', 'gas.co', ...UTC_SHIFTS, file])
    expect(json).toMatchObject({
      samples: 3,
      ignored: { duplicates: 1, outOfOrder: 1, outOfRange: 1 },
      shifts: [{ samples: 3, max: 10 }],
    })
  })

  it('gives no TWA for temperature: an average of degrees over 8 h is no exposure', async () => {
    const file = await csv('temperature.csv', isoRows(steady([[300, 34.3]])))
    const { json } = await run(['--factor', 'temperature', ...UTC_SHIFTS, file])
    expect(json.shifts[0]).not.toHaveProperty('twa')
    expect(json.shifts[0]).not.toHaveProperty('projectedTwa')
    expect(json.verdicts).not.toHaveProperty('twa')
    expect(within(json.shifts[0].mean, 34.3)).toBe(true)
  })
})

describe('quantrac exposure: verdicts on a thin basis', () => {
  it('gives a CO log of four readings over 8 h insufficient-data for the TWA, never within', async () => {
    // 07:00, 09:40, 12:20, 15:00 local at 25 ppm: each stands 5 min, 15 min measured of 8 h (3 %).
    const times = [0, 160, 320, 480].map((m) => Date.parse('2026-11-23T07:00:00+07:00') + m * MINUTE)
    const file = await csv(
      'co-spot.csv',
      times.map((time) => `${new Date(time).toISOString()},25`),
    )
    const { code, json, stderr } = await run(['--factor', 'gas.co', '--shifts', '07:00,15:00,23:00', file])
    expect(code).toBe(0)
    const [shift] = json.shifts
    expect(shift.coverage).toBeCloseTo(15 / 480, 6)
    expect(shift.verdicts.twa.verdict).toBe('insufficient-data')
    expect(shift.verdicts.projectedTwa.verdict).toBe('insufficient-data')
    expect(json.verdicts.twa.verdict).toBe('insufficient-data')
    expect(json.verdicts.twa.reasons.map((r: { code: string }) => r.code)).toContain('measured-below-minimum')
    // It says why most of the log is unmeasured, and what to give if that is wrong.
    expect(stderr).toContain('readings are typically 160 min apart')
    expect(stderr).toContain('--hold')
  })

  it('calls a dose measured over the limit an exceedance whatever the rest of the shift', async () => {
    // 2 h at 100 dBA under QCVN's 85 dBA / 3 dB: 100 · 2 h / (8 h / 2^5) = 800 % on measured time alone.
    const file = await csv('loud.csv', isoRows(steady([[120, 100]], Date.parse('2026-11-23T06:00:00+07:00'))))
    const { json } = await run(['--factor', 'noise', file])
    const [shift] = json.shifts
    expect(within(shift.dosePercent, 800)).toBe(true)
    expect(shift.verdicts.dose.verdict).toBe('exceeds')
    expect(shift.verdicts.dose.reasons[0].code).toBe('measured-exceedance')
  })
})

describe('quantrac exposure: time weighting and shifts', () => {
  it('--hold lets each value stand until the next reading (a logger that logs on change)', async () => {
    // 08:00 10 ppm, 10:00 50 ppm, 12:00 5 ppm, 16:00 end: (2 · 10 + 2 · 50 + 4 · 5) / 8 = 17.5 ppm.
    const start = Date.parse('2026-11-23T08:00:00+07:00')
    const rows = [
      [0, 10],
      [2, 50],
      [4, 5],
      [8, 5],
    ].map(([hours, ppm]) => `${new Date(start + hours! * HOUR).toISOString()},${ppm}`)
    const file = await csv('on-change.csv', rows)
    const held = await run(['--factor', 'gas.co', '--hold', '--shifts', '08:00,16:00', file])
    expect(held.code).toBe(0)
    expect(held.json.timeWeighting).toEqual({ hold: 'until the next reading' })
    expect(held.json.shifts).toHaveLength(1)
    expect(within(held.json.shifts[0].twa, 17.5)).toBe(true)
    expect(held.json.shifts[0].coverage).toBe(1)
    expect(held.stderr).toBe('')
    // By default a value stands for the 5-min sample interval: 15 min measured, (5 · 10 + 5 · 50 + 5 · 5) / 480.
    const sampled = await run(['--factor', 'gas.co', '--shifts', '08:00,16:00', file])
    expect(sampled.json.timeWeighting).toEqual({ hold: 'sample interval', maxIntervalMinutes: 5 })
    expect(within(sampled.json.shifts[0].twa, 325 / 480)).toBe(true)
  })

  it('judges a 07:30–19:30 noise log on 12-hour shifts with --shifts 07:30,19:30', async () => {
    // 12 h at 85 dBA: 150 % of QCVN's dose in one 12-h shift; on 8-h shifts two partial shifts below 100 %.
    const file = await csv(
      'twelve.csv',
      isoRows(steady([[720, 85]], Date.parse('2026-11-23T07:30:00+07:00'))),
    )
    const twelve = await run(['--factor', 'noise', '--shifts', '07:30,19:30', '--utc-offset', '+07:00', file])
    expect(twelve.json.shiftPattern).toEqual({ starts: ['07:30', '19:30'], utcOffset: '+07:00' })
    expect(twelve.json.shifts).toHaveLength(1)
    const [shift] = twelve.json.shifts
    expect(shift).toMatchObject({
      start: '2026-11-23T00:30:00.000Z',
      end: '2026-11-23T12:30:00.000Z',
      hours: 12,
    })
    expect(within(shift.dosePercent, 150)).toBe(true)
    expect(shift.verdicts.dose.verdict).toBe('exceeds')

    const eight = await run(['--factor', 'noise', file])
    expect(eight.json.shifts.map((s: { start: string }) => s.start)).toEqual([
      '2026-11-22T23:00:00.000Z',
      '2026-11-23T07:00:00.000Z',
    ])
    expect(eight.json.shifts.map((s: { dosePercent: number }) => Math.round(s.dosePercent))).toEqual([81, 69])
  })

  it('reads local times at --utc-offset and says so', async () => {
    const file = await csv('local.csv', ['2026-11-23 08:00:00,1', '2026-11-23 08:01:00,1'], 'time,ppm')
    const { json } = await run(['--factor', 'gas.co', '--utc-offset', '+05:30', '--shifts', '08:00', file])
    expect(json.from).toBe('2026-11-23T02:30:00.000Z')
    expect(json.read).toMatchObject({ time: 'time', value: 'ppm', localTimesAt: '+05:30' })
    expect(json.shifts[0].start).toBe('2026-11-23T02:30:00.000Z')
  })
})

describe('quantrac exposure: what it reads', () => {
  it('reads a quoted ;-separated export with a BOM, Date Time;LAeq headers and decimal commas', async () => {
    const path = join(dir, 'export.csv')
    const rows = steady([[60, 85.5]], Date.parse('2026-11-23T07:00:00+07:00')).map(
      ({ time, value }) =>
        `"${new Date(time + 7 * HOUR).toISOString().slice(0, 19).replace('T', ' ')}";"${String(value).replace('.', ',')}"`,
    )
    await writeFile(path, `\uFEFF"Date Time";"LAeq"\r\n${rows.join('\r\n')}\r\n`)
    const { code, json } = await run(['--factor', 'noise', path])
    expect(code).toBe(0)
    expect(json.read).toEqual({
      time: 'Date Time',
      value: 'LAeq',
      delimiter: ';',
      decimalComma: true,
      unit: 'dBA',
      rows: 61,
      skipped: [],
      localTimesAt: '+07:00',
    })
    expect(json.shifts[0].max).toBe(85.5)
  })

  it('exits 2 and names the line and column of a bad row', async () => {
    const file = await csv('bad.csv', ['2026-11-23T08:00:00Z,1', '2026-11-23T08:01:00Z,abc'])
    const { code, stderr } = await run(['--factor', 'gas.co', file])
    expect(code).toBe(2)
    expect(stderr).toBe('quantrac exposure: line 3, column "value": "abc" is not a number')
  })

  it('exits 2 on a time it will not guess', async () => {
    const file = await csv('dmy.csv', ['23/11/2026 08:00,1'])
    const { code, stderr } = await run(['--factor', 'gas.co', file])
    expect(code).toBe(2)
    expect(stderr).toContain(
      'line 2, column "timestamp": "23/11/2026 08:00" is not a time; expected ISO 8601',
    )
  })

  it('exits 2 on a missing file, an unrecognised header, or values all out of range', async () => {
    expect((await run(['--factor', 'noise', join(dir, 'missing.csv')])).stderr).toContain('cannot read')
    const path = join(dir, 'noheader.csv')
    await writeFile(path, '1,2\n')
    expect((await run(['--factor', 'noise', path])).stderr).toContain('line 1: no time column')
    const outOfRange = await csv('range.csv', ['2026-11-23T08:00:00Z,-3'])
    const result = await run(['--factor', 'noise', outOfRange])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('every value is outside the range')
  })
})

describe('quantrac exposure: the command line', () => {
  it('prints its usage, the CSV format and the header names with --help, exit 0', async () => {
    const { code, out, stderr } = await run(['--help'])
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(out).toContain('usage: quantrac exposure --factor <factor>')
    for (const text of [
      'RFC 4180',
      'BOM',
      'Date Time'.toLowerCase(),
      'LAeq',
      '--hold',
      '--shifts',
      'insufficient-data',
    ])
      expect(out).toContain(text)
  })

  it.each([
    [['--profile', 'who', '--factor', 'noise', 'x.csv'], 'unknown profile "who"'],
    [['--factor', 'gas.xyz', 'x.csv'], 'unknown factor "gas.xyz"'],
    [['--factor', 'noise', '--variant', 'office', '--profile', 'osha', 'x.csv'], 'no variant "office"'],
    [['--factor', 'noise'], 'expected one CSV file'],
    [['x.csv'], '--factor is required'],
    [['--factor', 'noise', '--bogus', 'x.csv'], "Unknown option '--bogus'"],
    [['--factor', 'noise', '--hold', '--max-interval', '1', 'x.csv'], '--hold and --max-interval contradict'],
    [['--factor', 'noise', '--max-interval', '0', 'x.csv'], '--max-interval must be a positive number'],
    [['--factor', 'noise', '--shifts', '7:30', 'x.csv'], '--shifts: "7:30" is not a time of day HH:MM'],
    [['--factor', 'noise', '--shifts', '07:30,07:30', 'x.csv'], 'names a start twice'],
    [['--factor', 'noise', '--utc-offset', '7', 'x.csv'], '--utc-offset: "7" is not an offset like +07:00'],
  ])('exits 2 on %j', async (argv, message) => {
    const { code, stderr } = await run(argv)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })

  it('answers an unknown flag with the usage on stderr', async () => {
    const { stderr } = await run(['--bogus'])
    expect(stderr).toContain('usage: quantrac exposure')
  })

  it('refuses --unit the factor cannot be in', async () => {
    const file = await csv('unit.csv', ['2026-11-23T08:00:00Z,80'])
    const { code, stderr } = await run(['--factor', 'noise', '--unit', 'ppm', file])
    expect(code).toBe(2)
    expect(stderr).toContain('noise cannot be given in ppm')
  })
})
