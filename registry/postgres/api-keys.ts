import type pg from 'pg'
import type { ApiKey, PageRequest, Registry, Role } from '../types.ts'
import { registryError, selectPage, Where } from './database.ts'

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
  pool: pg.Pool,
): Pick<Registry, 'createApiKey' | 'findApiKey' | 'listApiKeys' | 'revokeApiKey'> {
  return {
    async createApiKey(key, secretHash) {
      try {
        const { rows } = await pool.query<ApiKeyRow>(
          `INSERT INTO api_key
             (id, name, role, organisation_id, facility_id, secret_hash, created_at, expires_at, owner_user_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
          [
            key.id,
            key.name,
            key.role,
            key.organisationId ?? null,
            key.facilityId ?? null,
            secretHash,
            Date.now(),
            key.expiresAt ?? null,
            key.ownerUserId ?? null,
          ],
        )
        return toApiKey(rows[0]!)
      } catch (err) {
        throw registryError(err, {
          conflict: `API key ${key.id} exists already`,
          notFound: 'the key’s organisation or facility does not exist',
        })
      }
    },
    async findApiKey(id: string) {
      const row = (await pool.query<ApiKeyRow>('SELECT * FROM api_key WHERE id = $1', [id])).rows[0]
      return row && { ...toApiKey(row), secretHash: row.secret_hash }
    },
    async listApiKeys(page: PageRequest, filter: { ownerUserId?: string } = {}) {
      const where = new Where()
      if (filter.ownerUserId !== undefined) where.add('owner_user_id = ?', filter.ownerUserId)
      const { rows, total } = await selectPage<ApiKeyRow>(pool, 'api_key', where, 'created_at, id', page)
      return { items: rows.map(toApiKey), total, ...page }
    },
    async revokeApiKey(id: string) {
      const result = await pool.query(
        'UPDATE api_key SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
        [Date.now(), id],
      )
      return result.rowCount === 1
    },
  }
}
