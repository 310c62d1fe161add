import { describe, expect, it } from 'vitest'
import { LogFormatError } from '../../../core/exposure-log/csv.ts'
import { type LogOptions, readLog } from '../../../core/exposure-log/log.ts'

const HANOI = 420
const noise: LogOptions = { factor: 'noise', utcOffsetMinutes: HANOI }
const co: LogOptions = { factor: 'gas.co', utcOffsetMinutes: HANOI }

describe('readLog', () => {
  it('reads a quoted ;-separated export with a BOM, CRLF and decimal commas, and says how', () => {
    const text =
      '\uFEFF"Date Time";"LAeq"\r\n"2026-11-23 07:30:00";"85,3"\r\n"2026-11-23 07:31:00";"86"\r\n\r\n"2026-11-23 07:32:00";"84,75"\r\n'
    const { readings, read, outOfRange } = readLog(text, noise)
    expect(readings).toEqual([
      { time: Date.parse('2026-11-23T00:30:00Z'), value: 85.3 },
      { time: Date.parse('2026-11-23T00:31:00Z'), value: 86 },
      { time: Date.parse('2026-11-23T00:32:00Z'), value: 84.75 },
    ])
    expect(outOfRange).toBe(0)
    expect(read).toEqual({
      time: 'Date Time',
      value: 'LAeq',
      delimiter: ';',
      decimalComma: true,
      unit: 'dBA',
      rows: 3,
      skipped: [{ line: 4, reason: 'blank' }],
      localTimesAt: '+07:00',
    })
  })

  it('reads a plain comma file with offsets: no local times, no decimal comma', () => {
    const { readings, read } = readLog(
      'timestamp,value\n2026-11-23T08:00:00Z,5\n2026-11-23T08:01:00Z,6.5\n',
      co,
    )
    expect(readings.map((r) => r.value)).toEqual([5, 6.5])
    expect(read).toEqual({
      time: 'timestamp',
      value: 'value',
      delimiter: ',',
      decimalComma: false,
      unit: 'ppm',
      rows: 2,
      skipped: [],
    })
  })

  it('combines date and time columns, and reads tab-separated files', () => {
    const { readings, read } = readLog('Date\tTime\tCO (ppm)\n2026-11-23\t08:00:00\t3,5\n', co)
    expect(readings).toEqual([{ time: Date.parse('2026-11-23T01:00:00Z'), value: 3.5 }])
    expect(read).toMatchObject({
      time: 'Date + Time',
      value: 'CO (ppm)',
      delimiter: '\t',
      decimalComma: true,
    })
  })

  it('reads local times in the zone the header names, over --utc-offset', () => {
    const { readings, read } = readLog('Time (UTC),LAeq\n2026-11-23 08:00:00,80\n', noise)
    expect(readings[0]!.time).toBe(Date.parse('2026-11-23T08:00:00Z'))
    expect(read.localTimesAt).toBe('+00:00')
  })

  it('converts from the unit the header names; --unit agrees or is refused', () => {
    const mg = (ppm: number) => (ppm * 28.01) / 24.45
    const text = `time,CO (mg/m3)\n2026-11-23T08:00:00Z,${mg(10)}\n`
    expect(readLog(text, co).readings[0]!.value).toBeCloseTo(10, 9)
    expect(readLog(text, co).read.unit).toBe('mg/m³')
    expect(readLog(text, { ...co, unit: 'mg/m³' }).readings[0]!.value).toBeCloseTo(10, 9)
    expect(() => readLog(text, { ...co, unit: 'ppm' })).toThrow(
      'line 1, column "CO (mg/m3)": the column says mg/m3, --unit says ppm',
    )
  })

  it('refuses a header unit the factor cannot be in unless --unit says what the values are', () => {
    const text = 'time,LAeq (dB)\n2026-11-23T08:00:00Z,80\n'
    expect(() => readLog(text, noise)).toThrow(
      'line 1, column "LAeq (dB)": the values are in dB, which noise cannot be given in; give --unit (one of dBA)',
    )
    expect(readLog(text, { ...noise, unit: 'dBA' }).readings).toHaveLength(1)
  })

  it('refuses a --unit the factor cannot be in', () => {
    expect(() => readLog('time,value\n2026-11-23T08:00:00Z,1\n', { ...noise, unit: 'ppm' })).toThrow(
      'noise cannot be given in ppm; use one of dBA',
    )
  })

  it('leaves out values outside the physical range and counts them', () => {
    const { readings, outOfRange, read } = readLog(
      'time,value\n2026-11-23T08:00:00Z,-1\n2026-11-23T08:01:00Z,200\n2026-11-23T08:02:00Z,80\n',
      noise,
    )
    expect(readings.map((r) => r.value)).toEqual([80])
    expect(outOfRange).toBe(2)
    expect(read.rows).toBe(3)
  })

  it('skips blank lines anywhere, leading ones and rows of empty fields too', () => {
    const { read } = readLog('\n\ntime;value\n;\n2026-11-23T08:00:00Z;1\n  \n', co)
    expect(read.skipped).toEqual([
      { line: 1, reason: 'blank' },
      { line: 2, reason: 'blank' },
      { line: 4, reason: 'blank' },
      { line: 6, reason: 'blank' },
    ])
    expect(read.rows).toBe(1)
  })

  it('counts lines as an editor does when a quoted field spans several', () => {
    const text = 'time,value,note\n2026-11-23T08:00:00Z,1,"two\nlines"\n2026-11-23T08:01:00Z,x,""\n'
    expect(() => readLog(text, co)).toThrow('line 4, column "value": "x" is not a number')
  })

  it.each([
    ['time,value\n2026-11-23T08:00:00Z,abc\n', 'line 2, column "value": "abc" is not a number'],
    ['time,value\n2026-11-23T08:00:00Z,\n', 'line 2, column "value": no value'],
    ['time,value\n2026-11-23T08:00:00Z,0x10\n', '"0x10" is not a number'],
    ['time,value\n2026-11-23T08:00:00Z,Infinity\n', '"Infinity" is not a number'],
    ['time,value\n2026-11-23T08:00:00Z,"1,5"\n', '"1,5" is not a number'],
    ['time;value\n2026-11-23T08:00:00Z;1.234,5\n', '"1.234,5" is not a number'],
    [
      'time,value\n23/11/2026 08:00,1\n',
      'line 2, column "time": "23/11/2026 08:00" is not a time; expected ISO 8601',
    ],
    ['Date,Time,value\n2026-11-23,8 AM,1\n', 'line 2, column "Date + Time": "2026-11-23 8 AM" is not a time'],
    [
      'time,value\n2026-11-23T08:00:00Z,85,3\n',
      'line 2: 3 fields where the header has 2 (","-separated); a decimal comma in a comma-separated file?',
    ],
    ['time;value;unit\n2026-11-23T08:00:00Z;85\n', 'line 2: 2 fields where the header has 3 (";"-separated)'],
    ['', 'the file is empty'],
    ['\n\n', 'the file is empty'],
    ['time,value\n\n', 'the file has a header but no readings'],
    ['when,value\n', 'line 1: no time column'],
    ['time,"value\n', 'line 1: a quoted field is never closed'],
  ])('refuses %j', (text, message) => {
    expect(() => readLog(text, co)).toThrow(message)
    expect(() => readLog(text, co)).toThrow(LogFormatError)
  })

  it('shows text from the file escaped and cut short in its messages', () => {
    expect(() => readLog('time,value\n2026-11-23T08:00:00Z,\u001b[2J\n', co)).toThrow(
      'line 2, column "value": "\\u001b[2J" is not a number',
    )
    const long = 'x'.repeat(10_000)
    let message = ''
    try {
      readLog(`time,value\n2026-11-23T08:00:00Z,${long}\n`, co)
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toBe(`line 2, column "value": "${'x'.repeat(60)}…" is not a number`)
  })

  it('reads a file listed newest first oldest first, and says so', () => {
    const { readings, read } = readLog(
      'time,value\n2026-11-23T08:02:00Z,3\n2026-11-23T08:01:00Z,2\n2026-11-23T08:00:00Z,1\n',
      co,
    )
    expect(readings.map((r) => r.value)).toEqual([1, 2, 3])
    expect(read.newestFirst).toBe(true)
  })

  it('keeps any other order as written, for the evaluator to count older readings', () => {
    const { readings, read } = readLog(
      'time,value\n2026-11-23T08:00:00Z,1\n2026-11-23T08:02:00Z,3\n2026-11-23T08:01:00Z,2\n',
      co,
    )
    expect(readings.map((r) => r.value)).toEqual([1, 3, 2])
    expect(read).not.toHaveProperty('newestFirst')
  })

  it('reads numbers in exponent form and with a sign', () => {
    const { readings } = readLog('time,value\n2026-11-23T08:00:00Z,+1.5e1\n2026-11-23T08:01:00Z,.5\n', co)
    expect(readings.map((r) => r.value)).toEqual([15, 0.5])
  })
})
