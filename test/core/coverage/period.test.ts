import { describe, expect, it } from 'vitest'
import { judgedWindow, PeriodError, parsePeriod, previousPeriod } from '../../../core/coverage/period.ts'

const vn = (local: string) => Date.parse(`${local}+07:00`)

describe('parsePeriod', () => {
  it.each([
    ['2025', 'year', 12, '2025-01-01T00:00:00', '2026-01-01T00:00:00'],
    ['2025-H1', 'half', 6, '2025-01-01T00:00:00', '2025-07-01T00:00:00'],
    ['2025-H2', 'half', 6, '2025-07-01T00:00:00', '2026-01-01T00:00:00'],
    ['2025-Q1', 'quarter', 3, '2025-01-01T00:00:00', '2025-04-01T00:00:00'],
    ['2025-Q3', 'quarter', 3, '2025-07-01T00:00:00', '2025-10-01T00:00:00'],
    ['2025-Q4', 'quarter', 3, '2025-10-01T00:00:00', '2026-01-01T00:00:00'],
    ['2025-07', 'month', 1, '2025-07-01T00:00:00', '2025-08-01T00:00:00'],
    ['2024-02', 'month', 1, '2024-02-01T00:00:00', '2024-03-01T00:00:00'],
    ['2025-12', 'month', 1, '2025-12-01T00:00:00', '2026-01-01T00:00:00'],
  ])('reads %s as a %s of %i months in Vietnam time', (text, kind, months, start, end) => {
    const period = parsePeriod(text)
    expect(period).toMatchObject({ label: text, kind, months, start: vn(start), end: vn(end) })
  })

  it.each([
    '2025-Q5',
    '2025-Q0',
    '2025-H3',
    '2025-H0',
    '2025-13',
    '2025-00',
    '2025-7',
    '25',
    '2025-q3',
    '2025-W01',
    '',
    'x',
  ])('refuses %j and says what it expected', (text) => {
    expect(() => parsePeriod(text)).toThrow(PeriodError)
    expect(() => parsePeriod(text)).toThrow(
      /year \(2025\), a half-year \(2025-H1, 2025-H2\), a quarter \(2025-Q1 to 2025-Q4\) or a month/,
    )
  })

  it('refuses years outside 2000–2100', () => {
    expect(() => parsePeriod('1999')).toThrow(/from 2000 to 2100/)
    expect(() => parsePeriod('2101-Q1')).toThrow(/from 2000 to 2100/)
  })
})

describe('previousPeriod', () => {
  it.each([
    ['2025', '2024'],
    ['2025-H2', '2025-H1'],
    ['2025-H1', '2024-H2'],
    ['2025-Q3', '2025-Q2'],
    ['2025-Q1', '2024-Q4'],
    ['2025-07', '2025-06'],
    ['2025-01', '2024-12'],
  ])('of %s is %s', (text, expected) => {
    const previous = previousPeriod(parsePeriod(text))
    expect(previous).toEqual(parsePeriod(expected))
    expect(previous.end).toBe(parsePeriod(text).start)
  })
})

describe('judgedWindow', () => {
  const year = parsePeriod('2025')

  it('is the whole period once it is over', () => {
    expect(judgedWindow(year, vn('2026-02-01T00:00:00'))).toEqual({ from: year.start, to: year.end })
  })

  it('ends at the last full hour while the period runs', () => {
    expect(judgedWindow(year, vn('2025-03-10T08:59:59'))).toEqual({
      from: year.start,
      to: vn('2025-03-10T08:00:00'),
    })
  })

  it('is undefined before the period starts, and in its first hour', () => {
    expect(judgedWindow(year, vn('2024-12-31T23:00:00'))).toBeUndefined()
    expect(judgedWindow(year, vn('2025-01-01T00:30:00'))).toBeUndefined()
  })
})
