import { describe, expect, it } from 'vitest'
import { detectDelimiter, parseCsv } from '../../../core/exposure-log/csv.ts'

const fields = (text: string, delimiter: ',' | ';' | '\t' = ',') =>
  parseCsv(text, delimiter).map((record) => record.fields)

describe('parseCsv (RFC 4180)', () => {
  it('splits plain records on LF and CRLF alike, a final line break ending the last record', () => {
    expect(fields('a,b\n1,2\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
    expect(fields('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
    expect(fields('a,b\r\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
  })

  it('reads a lone CR as a line break (old Mac exports)', () => {
    expect(fields('a,b\r1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
  })

  it('keeps the delimiter, doubled quotes and line breaks inside quoted fields', () => {
    expect(fields('"a,b","say ""hi""","two\nlines"\n')).toEqual([['a,b', 'say "hi"', 'two\nlines']])
    expect(fields('"x\r\ny";z', ';')).toEqual([['x\r\ny', 'z']])
  })

  it('numbers each record by the line it starts on, counting line breaks inside quotes', () => {
    const records = parseCsv('h1,h2\n"multi\nline",1\r\n"a\r\nb\r\nc",2\n3,4\n', ',')
    expect(records.map((record) => record.line)).toEqual([1, 2, 4, 7])
  })

  it('drops a UTF-8 byte-order mark', () => {
    expect(fields('\uFEFF"time";"value"\n', ';')).toEqual([['time', 'value']])
  })

  it('gives empty fields for empty and quoted-empty fields, and a blank line as one empty field', () => {
    expect(fields('a,,""\n\n,\n')).toEqual([['a', '', ''], [''], ['', '']])
  })

  it('keeps spaces of unquoted fields as written (the reader trims values, not the parser)', () => {
    expect(fields(' a , b \n')).toEqual([[' a ', ' b ']])
  })

  it('allows spaces around a quoted field, as hand-edited files have them', () => {
    expect(fields('a, "b, c" ,d\n')).toEqual([['a', 'b, c', 'd']])
  })

  it('returns no records for an empty text', () => {
    expect(fields('')).toEqual([])
    expect(fields('\uFEFF')).toEqual([])
  })

  it.each([
    ['"never closed\n1,2\n', 1, 'a quoted field is never closed'],
    ['a,b\n1,"open\n', 2, 'a quoted field is never closed'],
    ['a,b\n"x"y,2\n', 2, '"y" after the closing quote of "x"'],
    ['a,b\nx"y,2\n', 2, 'a quote inside the unquoted field "x"'],
    ['a,b\n"x" "y",2\n', 2, 'a quoted field is followed by a quote'],
  ])('refuses %j at line %i', (text, line, message) => {
    expect(() => parseCsv(text, ',')).toThrow(`line ${line}: ${message}`)
    expect(() => parseCsv(text, ',')).toThrow(expect.objectContaining({ name: 'LogFormatError', line }))
  })
})

describe('detectDelimiter', () => {
  it.each([
    ['time,value\n', ','],
    ['Date Time;LAeq\n', ';'],
    ['\uFEFF"Date Time";"LAeq"\r\n', ';'],
    ['date\ttime\tvalue\n', '\t'],
    ['value\n', ','],
    ['"a;b",c\n1,2\n', ','],
    ['time;value,unit;x\n', ';'],
    ['a,b\nc;d;e;f\n', ','],
  ])('%j → %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter)
  })
})
