import pg from 'pg'
import { ConflictError, InvalidValueError, NotFoundError } from '../errors.ts'
import type { PageRequest } from '../types.ts'

/** What runs a query: the pool (one statement, autocommit) or the client of a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>

/** PostgreSQL's type ids whose text this registry reads otherwise than `pg` does by default. */
const INT8 = 20
const DATE = 1082

/**
 * Epoch milliseconds are `bigint` columns and counts are `bigint`: both read as numbers (exact up to 2^53,
 * far past any instant or row count here), as SQLite returns them. Dates (`YYYY-MM-DD`) stay the text
 * they are: `pg` would make a local-midnight Date of them.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (text: string) => Number(text)
    if (oid === DATE) return (text: string) => text
    // biome-ignore lint/suspicious/noExplicitAny: pg-types' overloads take the format as a literal type.
    return pg.types.getTypeParser(oid, format as any)
  },
}

export interface PoolSettings {
  url: string
  /** Connections at most, per process. */
  max: number
  onError(err: Error): void
}

/** A pool of connections to `url` that reads types as this registry expects. */
export function openPool({ url, max, onError }: PoolSettings): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types,
    application_name: 'quantrac',
    // A database out of reach fails the request that needs it (a 500 the client may retry), instead of
    // holding it open for ever.
    connectionTimeoutMillis: 10_000,
  })
  // An idle connection the server closed (restart, failover): logged; the pool opens another when needed.
  pool.on('error', onError)
  return pool
}

/**
 * Runs `work` in one transaction on one connection of the pool: all of it or none. Work that reads and
 * then writes what another process may write takes its row locks (`FOR UPDATE`) or an advisory lock first.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/** Conditions with `$n` placeholders and their parameters, built up from optional filters. */
export class Where {
  readonly #conditions: string[] = []
  readonly params: unknown[] = []

  /** `condition` with `?` for each of `params`, numbered here. */
  add(condition: string, ...params: unknown[]): this {
    let next = this.params.length
    this.#conditions.push(condition.replace(/\?/g, () => `$${++next}`))
    this.params.push(...params)
    return this
  }

  /** `column = ANY(…)`; an empty list matches nothing. */
  in(column: string, values: readonly string[] | undefined): this {
    if (values === undefined) return this
    return this.add(`${column} = ANY(?::text[])`, [...values])
  }

  toString(): string {
    return this.#conditions.length > 0 ? `WHERE ${this.#conditions.join(' AND ')}` : ''
  }
}

/** One page of `table` in `order`, with the total count of rows matching `where`. */
export async function selectPage<T extends pg.QueryResultRow>(
  db: Queryable,
  table: string,
  where: Where,
  order: string,
  page: PageRequest,
): Promise<{ rows: T[]; total: number }> {
  const n = where.params.length
  const [count, rows] = await Promise.all([
    db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} ${where}`, where.params),
    db.query<T>(`SELECT * FROM ${table} ${where} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`, [
      ...where.params,
      page.limit,
      page.offset,
    ]),
  ])
  return { rows: rows.rows, total: count.rows[0]!.n }
}

function sqlState(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined
}

export const isUniqueViolation = (err: unknown) => sqlState(err) === '23505'
export const isForeignKeyViolation = (err: unknown) => sqlState(err) === '23503'

/**
 * Text PostgreSQL cannot hold: the NUL character (U+0000), in `text` and in `jsonb` alike. What machines
 * send (a refused payload) is kept with U+FFFD in its place; what people type is refused.
 */
export function withoutNul(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD')
}
const isNulCharacter = (err: unknown) => ['22021', '22P05'].includes(sqlState(err) ?? '')

/**
 * The registry's error for what PostgreSQL refused: a duplicate is a ConflictError, a reference to nothing
 * a NotFoundError (each with the message given, as the SQLite registry words it), text with NUL an
 * InvalidValueError; anything else as it came.
 */
export function registryError(err: unknown, messages: { conflict?: string; notFound?: string }): unknown {
  if (messages.conflict !== undefined && isUniqueViolation(err)) return new ConflictError(messages.conflict)
  if (messages.notFound !== undefined && isForeignKeyViolation(err))
    return new NotFoundError(messages.notFound)
  if (isNulCharacter(err)) return new InvalidValueError('text may not hold the NUL character (U+0000)')
  return err
}

/** The connection string with its password replaced, for the log. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres://(unparsable URL)'
  }
}
