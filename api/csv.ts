/**
 * Parses CSV as RFC 4180 writes it: fields separated by commas, quoted with double quotes when they hold
 * commas, quotes (doubled) or line breaks; CRLF or LF line ends; a UTF-8 BOM is skipped. Returns rows of
 * fields, without the empty last line a trailing newline leaves.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"' && field === '') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += char
  }
  if (quoted) throw new Error('a quoted field is not closed')
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

/** What a spreadsheet program takes for the start of a formula: `=`, `+`, `-`, `@`, tab and carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV field. Text that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `@SUM(…)`, `-2+3`) gets a
 * leading `'` and quotes, as OWASP's CSV-injection guidance says, so it is shown as text; numbers are ours
 * and stay numbers (a negative one too).
 */
function csvField(field: string | number | undefined): string {
  if (field === undefined) return ''
  if (typeof field === 'number') return String(field)
  if (FORMULA_START.test(field)) return `"'${field.replace(/"/g, '""')}"`
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field
}

/** Writes one CSV line, quoting the fields that need it and neutralising formulas. */
export function csvLine(fields: readonly (string | number | undefined)[]): string {
  return fields.map(csvField).join(',')
}

/**
 * A whole CSV file as every export of the API sends it: a UTF-8 BOM, so spreadsheet programs read the
 * Vietnamese names right, and lines ending in CRLF as RFC 4180 says.
 */
export function csvDocument(rows: readonly (readonly (string | number | undefined)[])[]): string {
  return `\ufeff${rows.map(csvLine).join('\r\n')}\r\n`
}
