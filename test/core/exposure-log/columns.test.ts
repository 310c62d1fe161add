import { describe, expect, it } from 'vitest'
import { findColumns } from '../../../core/exposure-log/columns.ts'
import type { FactorId } from '../../../core/factors.ts'

const find = (header: string[], factor: FactorId = 'noise', extra = {}) =>
  findColumns(header, { factor, ...extra })

describe('findColumns: the time column', () => {
  it.each([
    ['time'],
    ['Timestamp'],
    ['  TIMESTAMP '],
    ['Time Stamp'],
    ['datetime'],
    ['DateTime'],
    ['Date Time'],
    ['date_time'],
    ['Date/Time'],
    ['date-time'],
    ['Date & Time'],
    ['ts'],
    ['Date'],
  ])('%j holds date and time in one field', (name) => {
    expect(find([name, 'value'])).toMatchObject({
      time: { kind: 'single', index: 0 },
      timeHeader: name.trim(),
    })
  })

  it('combines a "date" and a "time" column', () => {
    expect(find(['Date', 'Time', 'LAeq'])).toMatchObject({
      time: { kind: 'date-and-time', date: 0, time: 1 },
      timeHeader: 'Date + Time',
    })
  })

  it.each([
    ['Time (UTC)', 0],
    ['Date Time [GMT]', 0],
    ['time (utc+7)', 420],
    ['Time (UTC+07:00)', 420],
    ['Timestamp (UTC-03:30)', -210],
  ])('%j names the zone of its times', (name, offset) => {
    expect(find([name, 'value'])).toMatchObject({ timeHeaderOffset: offset, timeHeader: name })
  })

  it('takes --time-column over the names', () => {
    expect(find(['Zeit', 'Time', 'value'], 'noise', { timeColumn: 'zeit' })).toMatchObject({
      time: { kind: 'single', index: 0 },
      timeHeader: 'Zeit',
    })
  })

  it.each<[string[], string, { timeColumn?: string }?]>([
    [['when', 'value'], 'no time column: expected one named time, timestamp'],
    [
      ['time', 'timestamp', 'value'],
      'several time columns ("time", "timestamp"); choose one with --time-column',
    ],
    [
      ['time', 'value'],
      'no column "Zeit" (--time-column); the header has "time", "value"',
      { timeColumn: 'Zeit' },
    ],
  ])('refuses %j', (header, message, extra = {}) => {
    expect(() => find(header, 'noise', extra)).toThrow(message)
  })
})

describe('findColumns: the value column', () => {
  it.each([
    [['time', 'value'], 'noise', undefined],
    [['time', 'Level'], 'noise', undefined],
    [['time', 'dBA'], 'noise', 'dBA'],
    [['time', 'LAeq'], 'noise', undefined],
    [['time', 'LAeq (dBA)'], 'noise', 'dBA'],
    [['time', 'LAeq [dB(A)]'], 'noise', 'dB(A)'],
    [['time', 'LAeq dB(A)'], 'noise', 'dB(A)'],
    [['time', 'Leq'], 'noise', undefined],
    [['time', 'noise'], 'noise', undefined],
    [['time', 'ppm'], 'gas.co', 'ppm'],
    [['time', 'mg/m3'], 'gas.co', 'mg/m3'],
    [['time', 'mg/m³'], 'dust.total', 'mg/m³'],
    [['time', 'CO'], 'gas.co', undefined],
    [['time', 'gas.co'], 'gas.co', undefined],
    [['time', 'CO (ppm)'], 'gas.co', 'ppm'],
    [['time', 'Carbon monoxide [mg/m3]'], 'gas.co', 'mg/m3'],
    [['time', 'Temp (°C)'], 'temperature', '°C'],
    [['time', 'RH'], 'humidity', 'RH'],
    [['time', 'WBGT'], 'wbgt', undefined],
    [['time', 'concentration'], 'gas.h2s', undefined],
  ])('%j for %s', (header, factor, unit) => {
    const columns = find(header, factor as FactorId)
    expect(columns.value).toBe(1)
    expect(columns.valueHeader).toBe(header[1])
    expect(columns.valueHeaderUnit).toBe(unit)
  })

  it('keeps an unknown unit in brackets, so that the reader can refuse it rather than assume one', () => {
    expect(find(['time', 'LAeq (dB)'])).toMatchObject({ value: 1, valueHeaderUnit: 'dB' })
  })

  it('prefers the column named for the factor in a multi-gas export', () => {
    const header = ['Time', 'CO (ppm)', 'H2S (ppm)', 'O2 (%vol)', 'LEL (%)']
    expect(find(header, 'gas.co').value).toBe(1)
    expect(find(header, 'gas.h2s').value).toBe(2)
    expect(find(header, 'gas.o2').value).toBe(3)
    expect(find(header, 'gas.lel').value).toBe(4)
  })

  it('never reads another factor’s column as this one', () => {
    expect(() => find(['Time', 'H2S (ppm)'], 'gas.co')).toThrow('no value column for gas.co')
    expect(() => find(['Time', 'LAeq'], 'gas.co')).toThrow('the header has "Time", "LAeq"')
  })

  it('takes --value-column over the names', () => {
    expect(find(['time', 'LAeq', 'LAFmax'], 'noise', { valueColumn: 'lafmax' }).value).toBe(2)
    expect(() => find(['time', 'LAeq'], 'noise', { valueColumn: 'LCpeak' })).toThrow(
      'no column "LCpeak" (--value-column)',
    )
  })

  it('refuses two value columns of the same standing', () => {
    expect(() => find(['time', 'value', 'level'])).toThrow(
      'several value columns ("value", "level"); choose one with --value-column',
    )
    expect(() => find(['time', 'LAeq', 'Leq'])).toThrow('several value columns')
  })
})
