import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Page, PageRequest } from '../registry/types.ts'
import { csvLine } from './csv.ts'
import { badRequest } from './http-errors.ts'

/** A CSV export holds at most this many rows; a search matching more is asked to narrow down. */
export const MAX_EXPORT_ROWS = 100_000
const EXPORT_PAGE = 500

/** `format=csv`, or no format and an `Accept` that names text/csv. */
export function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format !== undefined) return format === 'csv'
  const accept = request.headers.accept
  return accept !== undefined && /\btext\/csv\b/.test(accept)
}

/** Every item a paged read matches, up to MAX_EXPORT_ROWS (400 beyond). */
export async function everyPage<T>(read: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = []
  for (let offset = 0; ; offset += EXPORT_PAGE) {
    const page = await read({ limit: EXPORT_PAGE, offset })
    if (page.total > MAX_EXPORT_ROWS) {
      throw badRequest(
        `${page.total} rows match: a CSV export holds at most ${MAX_EXPORT_ROWS}; narrow the search`,
      )
    }
    items.push(...page.items)
    if (page.items.length < EXPORT_PAGE) return items
  }
}

/**
 * Sends rows as a CSV download: a BOM, so spreadsheet programs read Vietnamese names as UTF-8, and CRLF
 * line ends (RFC 4180). Fields go through api/csv.ts's writer.
 */
export function sendCsv(
  reply: FastifyReply,
  filename: string,
  header: readonly string[],
  rows: readonly (readonly (string | number | undefined)[])[],
) {
  const body = `\ufeff${[header, ...rows].map((row) => csvLine(row)).join('\r\n')}\r\n`
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename.replace(/[^\w.-]+/g, '_')}.csv"`)
    .send(body)
}
