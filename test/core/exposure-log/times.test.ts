import { describe, expect, it } from 'vitest'
import {
  formatUtcOffset,
  parseDateAndTime,
  parseTimestamp,
  parseUtcOffset,
} from '../../../core/exposure-log/times.ts'

const HANOI = 420

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-23T08:00:00+07:00', '2026-11-23T01:00:00.000Z'],
    ['2026-11-23T08:00:00Z', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23t08:00:00z', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23 08:00:00+0700', '2026-11-23T01:00:00.000Z'],
    ['2026-11-23 08:00+07', '2026-11-23T01:00:00.000Z'],
    ['2026-11-23T08:00:00.250-03:30', '2026-11-23T11:30:00.250Z'],
    ['2026-11-23T08:00:00,5Z', '2026-11-23T08:00:00.500Z'],
    ['  2026-11-23T08:00:00Z  ', '2026-11-23T08:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('%s with an offset is that instant', (text, iso) => {
    expect(parseTimestamp(text, HANOI)).toEqual({ time: Date.parse(iso), local: false })
  })

  it.each([
    ['2026-11-23T08:00:00', '2026-11-23T01:00:00.000Z'],
    ['2026-11-23 08:00:00', '2026-11-23T01:00:00.000Z'],
    ['2026-11-23 8:00', '2026-11-23T01:00:00.000Z'],
    ['2026-11-23 06:30:15.5', '2026-11-22T23:30:15.500Z'],
  ])('%s without one is local time at the given offset', (text, iso) => {
    expect(parseTimestamp(text, HANOI)).toEqual({ time: Date.parse(iso), local: true })
  })

  it('reads epoch milliseconds', () => {
    expect(parseTimestamp('1795392000000', HANOI)).toEqual({ time: 1795392000000, local: false })
  })

  it.each([
    '',
    'yesterday',
    '23/11/2026 08:00',
    '11/23/2026 8:00 AM',
    '2026-11-23',
    '2026-13-01T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-11-31T00:00:00Z',
    '2026-11-23T24:00:00Z',
    '2026-11-23T08:60:00Z',
    '2026-11-23T08:00:60Z',
    '2026-11-23T08:00:00+15:00',
    '2026-11-23T08:00:00+07:75',
    '2026-11-23T08:00:00 UTC',
    '1795392000',
    '0',
    '99999999999999999',
  ])('refuses %j', (text) => {
    expect(parseTimestamp(text, HANOI)).toBeUndefined()
  })
})

describe('parseDateAndTime', () => {
  it('combines a date column and a time-of-day column', () => {
    expect(parseDateAndTime('2026-11-23', '08:00:30', HANOI)).toEqual({
      time: Date.parse('2026-11-23T01:00:30Z'),
      local: true,
    })
    expect(parseDateAndTime(' 2026-11-23 ', '08:00Z', HANOI)).toEqual({
      time: Date.parse('2026-11-23T08:00:00Z'),
      local: false,
    })
  })

  it.each([
    ['23.11.2026', '08:00'],
    ['2026-11-23', '8 AM'],
    ['2026-11-23T08:00', '08:00'],
    ['2026-11-23', ''],
  ])('refuses %j %j', (date, time) => {
    expect(parseDateAndTime(date, time, HANOI)).toBeUndefined()
  })
})

describe('UTC offsets', () => {
  it.each([
    ['+07:00', 420],
    ['+0700', 420],
    ['+07', 420],
    ['-03:30', -210],
    ['Z', 0],
    ['+00:00', 0],
    ['+14:00', 840],
  ])('%s is %i minutes east', (text, minutes) => {
    expect(parseUtcOffset(text)).toBe(minutes)
  })

  it.each(['7', '+7', '+7:00', 'UTC+7', '+15:00', '+07:60', ''])('refuses %j', (text) => {
    expect(parseUtcOffset(text)).toBeUndefined()
  })

  it.each([
    [420, '+07:00'],
    [-210, '-03:30'],
    [0, '+00:00'],
    [345, '+05:45'],
  ])('%i minutes is written %s', (minutes, text) => {
    expect(formatUtcOffset(minutes)).toBe(text)
  })
})
