/**
 * CSV as RFC 4180 writes it, and as spreadsheet and instrument exports bend it: a field in double quotes
 * may hold the delimiter, line breaks and `""` for a quote; records end in CRLF or LF; a UTF-8 byte-order
 * mark is dropped; the delimiter is `,`, `;` (exports from locales with a decimal comma) or a tab.
 */

/**
 * Thrown for text that is not CSV, a row or header that cannot be read, or a unit that does not fit;
 * `line` is 1-based, as an editor counts, and absent for what no line is to blame for.
 */
export class LogFormatError extends Error {
  readonly line: number | undefined
  readonly column: string | undefined

  constructor(line: number | undefined, message: string, column?: string) {
    const where = [
      line === undefined ? '' : `line ${line}`,
      column === undefined ? '' : `column ${shown(column)}`,
    ]
      .filter((part) => part !== '')
      .join(', ')
    super(where === '' ? message : `${where}: ${message}`)
    this.name = 'LogFormatError'
    this.line = line
    this.column = column
  }
}

export type Delimiter = ',' | ';' | '\t'

const DELIMITERS: readonly Delimiter[] = [',', ';', '\t']

export interface CsvRecord {
  /** The line the record starts on (a quoted field may carry it over several). */
  readonly line: number
  readonly fields: readonly string[]
}

/**
 * The delimiter of the header line (the first that is not blank): whichever of `,` `;` tab occurs most often in it outside quotes;
 * `,` when none does (a one-column file).
 */
export function detectDelimiter(text: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]))
  let quoted = false
  // Blank lines before the header are skipped by the reader, so they are skipped here too.
  for (const char of stripBom(text).trimStart()) {
    if (char === '"') quoted = !quoted
    else if (!quoted && (char === '\n' || char === '\r')) break
    else if (!quoted && counts.has(char as Delimiter))
      counts.set(char as Delimiter, counts.get(char as Delimiter)! + 1)
  }
  let best: Delimiter = ','
  for (const delimiter of DELIMITERS) if (counts.get(delimiter)! > counts.get(best)!) best = delimiter
  return best
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/**
 * Every record of the text. A line break right at the end ends the last record (it does not start an
 * empty one); a blank line inside is a record with one empty field, for the caller to skip or refuse.
 */
export function parseCsv(text: string, delimiter: Delimiter): CsvRecord[] {
  const source = stripBom(text)
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let recordLine = 1
  // 'start': at the start of a field; 'plain': in an unquoted one; 'quoted': inside quotes;
  // 'closed': just after a field's closing quote, where only a delimiter or a line break may follow.
  let state: 'start' | 'plain' | 'quoted' | 'closed' = 'start'
  let quoteLine = 1

  const endRecord = () => {
    fields.push(field)
    records.push({ line: recordLine, fields })
    fields = []
    field = ''
    state = 'start'
  }

  for (let index = 0; index < source.length; index++) {
    const char = source[index]!
    if (state === 'quoted') {
      if (char === '"') {
        if (source[index + 1] === '"') {
          field += '"'
          index++
        } else state = 'closed'
      } else {
        if (char === '\n' || (char === '\r' && source[index + 1] !== '\n')) line++
        field += char
      }
      continue
    }
    if (char === delimiter) {
      fields.push(field)
      field = ''
      state = 'start'
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && source[index + 1] === '\n') index++
      endRecord()
      line++
      recordLine = line
    } else if (char === '"') {
      // Spaces before the opening quote are allowed: hand-edited files write `a, "b"`.
      if (state === 'start' || (state === 'plain' && field.trim() === '')) {
        field = ''
        state = 'quoted'
        quoteLine = line
      } else if (state === 'closed') {
        throw new LogFormatError(
          line,
          'a quoted field is followed by a quote; write a quote inside one as ""',
        )
      } else {
        throw new LogFormatError(
          line,
          `a quote inside the unquoted field ${shown(field)}; quote the whole field and write the quote as ""`,
        )
      }
    } else if (state === 'closed') {
      if (char === ' ' || char === '\t') continue
      throw new LogFormatError(
        line,
        `${shown(char)} after the closing quote of ${shown(field)}; a delimiter (${describeDelimiter(delimiter)}) or the end of the line must follow it`,
      )
    } else {
      field += char
      state = 'plain'
    }
  }
  if (state === 'quoted') throw new LogFormatError(quoteLine, 'a quoted field is never closed')
  if (state !== 'start' || fields.length > 0) endRecord()
  return records
}

/**
 * Text from the file as a message shows it: quoted, control characters escaped (a CSV can hold terminal
 * escape sequences), cut short (a field can be megabytes).
 */
export function shown(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
}

export function describeDelimiter(delimiter: Delimiter): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`
}
