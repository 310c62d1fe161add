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

/** Writes one CSV line, quoting the fields that need it. */
export function csvLine(fields: readonly (string | number | undefined)[]): string {
  return fields
    .map((field) => {
      const text = field === undefined ? '' : String(field)
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
    })
    .join(',')
}
