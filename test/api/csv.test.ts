import { describe, expect, it } from 'vitest'
import { csvLine, parseCsv } from '../../api/csv.ts'

describe('CSV', () => {
  it('parses quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const text = '\ufeffid,name\r\nf1,"Nhà máy ""A"", Bình Dương"\r\nf2,"two\nlines"\n'
    expect(parseCsv(text)).toEqual([
      ['id', 'name'],
      ['f1', 'Nhà máy "A", Bình Dương'],
      ['f2', 'two\nlines'],
    ])
  })

  it('keeps empty fields and a last line without a newline', () => {
    expect(parseCsv('a,,c\n,,')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ])
  })

  it('refuses a quoted field that is never closed', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/not closed/)
  })

  it('writes what it reads', () => {
    const rows = [
      ['id', 'note'],
      ['x', 'says "hi", then\nleaves'],
    ]
    expect(parseCsv(rows.map(csvLine).join('\n'))).toEqual(rows)
  })
})
