import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runExposure } from '../../bin/exposure.ts'
import { MINUTE, SHIFT_START, steady, within } from '../core/exposure/readings.ts'

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
  return { code, json: code === 0 ? JSON.parse(stdout.join('\n')) : undefined, stderr: stderr.join('\n') }
}

async function csv(name: string, rows: readonly string[]) {
  const path = join(dir, name)
  await writeFile(path, `timestamp,value\n${rows.join('\n')}\n`)
  return path
}

function isoRows(readings: readonly { time: number; value: number }[], format = (v: number) => String(v)) {
  return readings.map(({ time, value }) => `${new Date(time).toISOString()},${format(value)}`)
}

describe('quantrac exposure', () => {
  it('judges a WBGT meter export by its highest 1-hour mean against ISO 7243 for heavy work', async () => {
    // 2 h at 24 °C, 1 h at 27 °C, 1 h at 24 °C: the worst hour is 27 °C, over heavy work's 25 °C.
    const readings = steady([
      [120, 24],
      [60, 27],
      [60, 24],
    ])
    const file = await csv('wbgt.csv', isoRows(readings))
    const { code, json } = await run(['--factor', 'wbgt', '--variant', 'heavy-work', file])
    expect(code).toBe(0)
    expect(within(json.hourMean, 27)).toBe(true)
    expect(json.limit.hourMean.value).toBe(25)
    expect(json.exceedances.map((e: { kind: string; level: string }) => `${e.kind}:${e.level}`)).toEqual([
      'heat-stress:alarm',
    ])
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
    const { code, json } = await run(['--profile', 'osha', '--factor', 'noise', file])
    expect(code).toBe(0)
    expect(json).toMatchObject({ factor: 'noise', profile: 'osha', samples: 481, durationHours: 8, max: 95 })
    expect(within(json.dosePercent, 100)).toBe(true)
    expect(within(json.twa, 90)).toBe(true)
    // LEX,8h = 10 · log10((4 · 10^9 + 2 · 10^9.5 + 2 · 10^8.5) / 8) = 91.366
    expect(within(json.lex8h, 91.366)).toBe(true)
    expect(within(json.stel, 95)).toBe(true)
    expect(json.limit.twa.value).toBe(90)
    expect(json.exceedances.map((e: { kind: string; level: string }) => `${e.kind}:${e.level}`)).toContain(
      'dose:warning',
    )
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
    const { code, json } = await run(['--factor', 'gas.co', '--unit', 'mg/m3', file])
    expect(code).toBe(0)
    expect(json.profile).toBe('qcvn')
    expect(json.unit).toBe('ppm')
    expect(within(json.twa, 6.71875)).toBe(true)
    expect(within(json.stel, 60)).toBe(true)
    expect(within(json.limit.stel.value, 34.916)).toBe(true)
    expect(json.dosePercent).toBeUndefined()
    // The 15-min mean passes the warning (17.46 ppm) at 02:04, (11 · 5 + 4 · 60) / 15 = 19.7 ppm,
    // and the limit (34.92 ppm) at 02:09, (6 · 5 + 9 · 60) / 15 = 38 ppm: one exceedance, escalated.
    const stel = json.exceedances.filter((e: { kind: string }) => e.kind === 'stel')
    expect(stel).toMatchObject([{ level: 'alarm', from: new Date(SHIFT_START + 124 * MINUTE).toISOString() }])
  })

  it('judges an office against QCVN 24 Table 2 with --variant office', async () => {
    const file = await csv('office.csv', isoRows(steady([[480, 65]])))
    const { json } = await run(['--factor', 'noise', '--variant', 'office', file])
    expect(within(json.dosePercent, 100)).toBe(true)
    expect(json.limit.twa.value).toBe(65)
  })

  it('ignores duplicate and older readings and counts values outside the physical range', async () => {
    const file = await csv('dup.csv', [
      '0,10',
      '60000,10',
      '60000,900',
      '30000,900',
      '120000,-5',
      '180000,10',
    ])
    const { json } = await run(['--factor', 'gas.co', file])
    expect(json).toMatchObject({
      samples: 3,
      max: 10,
      ignored: { duplicates: 1, outOfOrder: 1, outOfRange: 1 },
    })
  })

  it('exits 2 and names the line of a bad CSV row', async () => {
    const file = await csv('bad.csv', ['2026-11-23T08:00:00Z,1', '2026-11-23T08:01:00Z,abc'])
    const { code, stderr } = await run(['--factor', 'gas.co', file])
    expect(code).toBe(2)
    expect(stderr).toContain('line 3: "abc" is not a number')
  })

  it('exits 2 on a timestamp without an offset', async () => {
    const file = await csv('local.csv', ['2026-11-23T08:00:00,1'])
    const { code, stderr } = await run(['--factor', 'gas.co', file])
    expect(code).toBe(2)
    expect(stderr).toContain('line 2:')
  })

  it.each([
    [['--profile', 'who', '--factor', 'noise', 'x.csv'], 'unknown profile "who"'],
    [['--factor', 'gas.xyz', 'x.csv'], 'unknown factor "gas.xyz"'],
    [['--factor', 'noise', '--unit', 'ppm', 'x.csv'], 'noise cannot be given in ppm'],
    [['--factor', 'noise', '--variant', 'office', '--profile', 'osha', 'x.csv'], 'no variant "office"'],
    [['--factor', 'noise'], 'expected one CSV file'],
    [['--factor', 'noise', '--bogus', 'x.csv'], "Unknown option '--bogus'"],
  ])('exits 2 on %j', async (argv, message) => {
    const { code, stderr } = await run(argv)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })

  it('exits 2 on a missing file or header', async () => {
    expect((await run(['--factor', 'noise', join(dir, 'missing.csv')])).stderr).toContain('cannot read')
    const path = join(dir, 'noheader.csv')
    await writeFile(path, '1,2\n')
    expect((await run(['--factor', 'noise', path])).stderr).toContain('line 1: expected the header')
  })
})
