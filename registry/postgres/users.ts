import type pg from 'pg'
import { NotFoundError } from '../errors.ts'
import type { Grant, Registry, Role, User } from '../types.ts'
import { inTransaction, type Queryable, registryError, selectPage, Where } from './database.ts'

interface GrantRow {
  id: string
  role: Role
  organisation_id: string | null
  facility_id: string | null
}

interface UserRow {
  id: string
  email: string
  name: string
  password_hash: string
  created_at: number
  disabled_at: number | null
  grants: GrantRow[]
}

interface SessionRow {
  user_id: string
  grant_id: string
  created_at: number
  last_seen_at: number
  expires_at: number
}

// People with their grants in the order given, so a page is one query.
const USER_VIEW = `(SELECT app_user.*, coalesce((SELECT jsonb_agg(jsonb_build_object('id', g.id, 'role', g.role,
  'organisation_id', g.organisation_id, 'facility_id', g.facility_id) ORDER BY g.created_at, g.id)
  FROM user_grant g WHERE g.user_id = app_user.id), '[]') AS grants FROM app_user) AS app_user`

function toGrant(row: GrantRow): Grant {
  const grant: Grant = { id: row.id, role: row.role }
  if (row.organisation_id !== null) grant.organisationId = row.organisation_id
  if (row.facility_id !== null) grant.facilityId = row.facility_id
  return grant
}

function toUser(row: UserRow): User {
  const user: User = {
    id: row.id,
    email: row.email,
    name: row.name,
    grants: row.grants.map(toGrant),
    createdAt: row.created_at,
  }
  if (row.disabled_at !== null) user.disabledAt = row.disabled_at
  return user
}

async function readUser(db: Queryable, column: 'id' | 'email', value: string): Promise<UserRow | undefined> {
  return (await db.query<UserRow>(`SELECT * FROM ${USER_VIEW} WHERE ${column} = $1`, [value])).rows[0]
}

export function userRepository(
  pool: pg.Pool,
): Pick<
  Registry,
  | 'createUser'
  | 'getUser'
  | 'findUserByEmail'
  | 'listUsers'
  | 'setUserPassword'
  | 'disableUser'
  | 'createSession'
  | 'findSession'
  | 'touchSession'
  | 'deleteSession'
  | 'deleteUserSessions'
> {
  return {
    async createUser(user, passwordHash) {
      const now = Date.now()
      try {
        await inTransaction(pool, async (client) => {
          await client.query(
            'INSERT INTO app_user (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)',
            [user.id, user.email, user.name, passwordHash, now],
          )
          for (const grant of user.grants) {
            await client.query(
              `INSERT INTO user_grant (id, user_id, role, organisation_id, facility_id, created_at)
               VALUES ($1, $2, $3, $4, $5, $6)`,
              [grant.id, user.id, grant.role, grant.organisationId ?? null, grant.facilityId ?? null, now],
            )
          }
        })
      } catch (err) {
        throw registryError(err, {
          conflict: `a user with e-mail ${user.email} exists already`,
          notFound: 'a grant’s organisation or facility does not exist',
        })
      }
      return toUser((await readUser(pool, 'id', user.id))!)
    },
    async getUser(id) {
      const row = await readUser(pool, 'id', id)
      return row && toUser(row)
    },
    async findUserByEmail(email) {
      const row = await readUser(pool, 'email', email)
      return row && { ...toUser(row), passwordHash: row.password_hash }
    },
    async listUsers(page) {
      const { rows, total } = await selectPage<UserRow>(pool, USER_VIEW, new Where(), 'created_at, id', page)
      return { items: rows.map(toUser), total, ...page }
    },
    async setUserPassword(id, passwordHash) {
      await inTransaction(pool, async (client) => {
        const result = await client.query('UPDATE app_user SET password_hash = $1 WHERE id = $2', [
          passwordHash,
          id,
        ])
        if (result.rowCount === 0) throw new NotFoundError(`no user ${id}`)
        await client.query('DELETE FROM user_session WHERE user_id = $1', [id])
      })
    },
    disableUser(id, at) {
      return inTransaction(pool, async (client) => {
        const result = await client.query(
          'UPDATE app_user SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL',
          [at, id],
        )
        const changed = result.rowCount === 1
        if (changed) {
          await client.query('DELETE FROM user_session WHERE user_id = $1', [id])
          await client.query(
            'UPDATE api_key SET revoked_at = $1 WHERE owner_user_id = $2 AND revoked_at IS NULL',
            [at, id],
          )
        }
        return changed
      })
    },
    async createSession(idHash, session) {
      // Sessions past their absolute expiry go as new ones come, so the table holds only live ones.
      await pool.query('DELETE FROM user_session WHERE expires_at <= $1', [session.createdAt])
      try {
        await pool.query(
          `INSERT INTO user_session (id_hash, user_id, grant_id, created_at, last_seen_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [idHash, session.userId, session.grantId, session.createdAt, session.lastSeenAt, session.expiresAt],
        )
      } catch (err) {
        throw registryError(err, {})
      }
    },
    async findSession(idHash) {
      const row = (await pool.query<SessionRow>('SELECT * FROM user_session WHERE id_hash = $1', [idHash]))
        .rows[0]
      return (
        row && {
          userId: row.user_id,
          grantId: row.grant_id,
          createdAt: row.created_at,
          lastSeenAt: row.last_seen_at,
          expiresAt: row.expires_at,
        }
      )
    },
    async touchSession(idHash, at) {
      await pool.query(
        'UPDATE user_session SET last_seen_at = greatest(last_seen_at, $1) WHERE id_hash = $2',
        [at, idHash],
      )
    },
    async deleteSession(idHash) {
      return (await pool.query('DELETE FROM user_session WHERE id_hash = $1', [idHash])).rowCount === 1
    },
    async deleteUserSessions(userId) {
      return (await pool.query('DELETE FROM user_session WHERE user_id = $1', [userId])).rowCount ?? 0
    },
  }
}
