import { describe, expect, it } from 'vitest'
import { csvDocument, csvLine, parseCsv } from '../../api/csv.ts'

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

  // OWASP, CSV Injection: cells starting with = + - @ tab or carriage return are formulas to a spreadsheet.
  it.each([
    ['=HYPERLINK("http://evil.example","open")', `"'=HYPERLINK(""http://evil.example"",""open"")"`],
    ['+1+cmd|/C calc!A0', `"'+1+cmd|/C calc!A0"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
  ])('writes the formula %j as text', (cell, written) => {
    expect(csvLine([cell])).toBe(written)
    expect(parseCsv(csvLine([cell, 'next']))).toEqual([[`'${cell}`, 'next']])
  })

  it('leaves numbers, negative ones too, and other text as they are', () => {
    expect(csvLine([-5, 0.25, 'Nhà máy A', 'a=b', '', undefined, 'x-1'])).toBe('-5,0.25,Nhà máy A,a=b,,,x-1')
  })

  it('writes a document with a BOM and CRLF line ends', () => {
    expect(
      csvDocument([
        ['a', 'b'],
        ['=1', 2],
      ]),
    ).toBe(`\ufeffa,b\r\n"'=1",2\r\n`)
  })
})
