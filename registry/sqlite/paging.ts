import type { DatabaseSync, SQLInputValue } from 'node:sqlite'
import type { PageRequest } from '../types.ts'

/** Conditions and their parameters, built up from optional filters. */
export class Where {
  readonly #conditions: string[] = []
  readonly params: SQLInputValue[] = []

  add(condition: string, ...params: SQLInputValue[]): this {
    this.#conditions.push(condition)
    this.params.push(...params)
    return this
  }

  /** `column IN (?, ?, …)`; an empty list matches nothing. */
  in(column: string, values: readonly string[] | undefined): this {
    if (values === undefined) return this
    if (values.length === 0) return this.add('0')
    return this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values)
  }

  toString(): string {
    return this.#conditions.length > 0 ? `WHERE ${this.#conditions.join(' AND ')}` : ''
  }
}

/** One page of `table` in `order`, with the total count of rows matching `where`. */
export function selectPage<T>(
  db: DatabaseSync,
  table: string,
  where: Where,
  order: string,
  page: PageRequest,
) {
  const total = (
    db.prepare(`SELECT count(*) AS n FROM ${table} ${where}`).get(...where.params) as { n: number }
  ).n
  const rows = db
    .prepare(`SELECT * FROM ${table} ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...where.params, page.limit, page.offset) as unknown as T[]
  return { rows, total }
}

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && /UNIQUE constraint failed|PRIMARY KEY/.test(err.message)
}

export function isForeignKeyViolation(err: unknown): boolean {
  return err instanceof Error && /FOREIGN KEY constraint failed/.test(err.message)
}
