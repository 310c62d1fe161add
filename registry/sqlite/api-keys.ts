import type { DatabaseSync } from 'node:sqlite'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { ApiKey, PageRequest, Registry, Role } from '../types.ts'
import { isForeignKeyViolation, isUniqueViolation, selectPage, Where } from './paging.ts'

interface ApiKeyRow {
  id: string
  name: string
  role: Role
  organisation_id: string | null
  facility_id: string | null
  secret_hash: string
  created_at: number
  revoked_at: number | null
  expires_at: number | null
  owner_user_id: string | null
}

function toApiKey(row: ApiKeyRow): ApiKey {
  const key: ApiKey = { id: row.id, name: row.name, role: row.role, createdAt: row.created_at }
  if (row.organisation_id !== null) key.organisationId = row.organisation_id
  if (row.facility_id !== null) key.facilityId = row.facility_id
  if (row.revoked_at !== null) key.revokedAt = row.revoked_at
  if (row.expires_at !== null) key.expiresAt = row.expires_at
  if (row.owner_user_id !== null) key.ownerUserId = row.owner_user_id
  return key
}

export function apiKeyRepository(
  db: DatabaseSync,
): Pick<Registry, 'createApiKey' | 'findApiKey' | 'listApiKeys' | 'revokeApiKey'> {
  const statements = {
    insert: db.prepare(
      `INSERT INTO api_key
         (id, name, role, organisation_id, facility_id, secret_hash, created_at, expires_at, owner_user_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    get: db.prepare('SELECT * FROM api_key WHERE id = ?'),
    revoke: db.prepare('UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
  }

  return {
    async createApiKey(key, secretHash) {
      try {
        statements.insert.run(
          key.id,
          key.name,
          key.role,
          key.organisationId ?? null,
          key.facilityId ?? null,
          secretHash,
          Date.now(),
          key.expiresAt ?? null,
          key.ownerUserId ?? null,
        )
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`API key ${key.id} exists already`)
        if (isForeignKeyViolation(err))
          throw new NotFoundError('the key’s organisation or facility does not exist')
        throw err
      }
      return toApiKey(statements.get.get(key.id) as unknown as ApiKeyRow)
    },
    async findApiKey(id: string) {
      const row = statements.get.get(id) as ApiKeyRow | undefined
      return row && { ...toApiKey(row), secretHash: row.secret_hash }
    },
    async listApiKeys(page: PageRequest, filter = {}) {
      const where = new Where()
      if (filter.ownerUserId !== undefined) where.add('owner_user_id = ?', filter.ownerUserId)
      const { rows, total } = selectPage<ApiKeyRow>(db, 'api_key', where, 'created_at, id', page)
      return { items: rows.map(toApiKey), total, ...page }
    },
    async revokeApiKey(id: string) {
      return statements.revoke.run(Date.now(), id).changes > 0
    },
  }
}
