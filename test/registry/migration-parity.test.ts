import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const sqlite = new URL('../../registry/sqlite/migrations/', import.meta.url)
const postgres = new URL('../../registry/postgres/migrations/', import.meta.url)
const sqlFiles = (dir: URL) => readdirSync(dir).filter((name) => name.endsWith('.sql'))

describe('the two registries’ migrations', () => {
  it('carry every SQLite registry migration into PostgreSQL: each is named by the migration that does its part', () => {
    const texts = sqlFiles(postgres).map((name) => readFileSync(new URL(name, postgres), 'utf8'))
    const missing = sqlFiles(sqlite).filter((name) => !texts.some((text) => text.includes(name)))
    expect(
      missing,
      'add a registry/postgres/migrations/NNN-….sql doing the same in PostgreSQL, naming the SQLite file in a comment (README, Registry on PostgreSQL)',
    ).toEqual([])
  })
})
