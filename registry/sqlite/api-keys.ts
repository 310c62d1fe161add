import type { DatabaseSync } from 'node:sqlite'
import { ConflictError, NotFoundError } from '../errors.ts'
import { API_KEY_COLUMNS, type ApiKeyRow, apiKeyValues, toApiKey } from '../rows/api-keys.ts'
import type { PageRequest, Registry } from '../types.ts'
import { isForeignKeyViolation, isUniqueViolation, selectPage, Where } from './paging.ts'

export function apiKeyRepository(
  db: DatabaseSync,
): Pick<Registry, 'createApiKey' | 'findApiKey' | 'listApiKeys' | 'revokeApiKey'> {
  const statements = {
    insert: db.prepare(`INSERT INTO api_key (${API_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    get: db.prepare('SELECT * FROM api_key WHERE id = ?'),
    revoke: db.prepare('UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
  }

  return {
    async createApiKey(key, secretHash) {
      try {
        statements.insert.run(...apiKeyValues(key, secretHash, Date.now()))
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
