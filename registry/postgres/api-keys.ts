import type pg from 'pg'
import { API_KEY_COLUMNS, type ApiKeyRow, apiKeyValues, toApiKey } from '../rows/api-keys.ts'
import type { PageRequest, Registry } from '../types.ts'
import { registryError, selectPage, Where } from './database.ts'

export function apiKeyRepository(
  pool: pg.Pool,
): Pick<Registry, 'createApiKey' | 'findApiKey' | 'listApiKeys' | 'revokeApiKey'> {
  return {
    async createApiKey(key, secretHash) {
      try {
        const { rows } = await pool.query<ApiKeyRow>(
          `INSERT INTO api_key (${API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
          apiKeyValues(key, secretHash, Date.now()),
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
