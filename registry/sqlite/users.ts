import type { DatabaseSync } from 'node:sqlite'
import { inTransaction } from '../../sqlite/database.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { Grant, Registry, Role, User } from '../types.ts'
import { isForeignKeyViolation, isUniqueViolation, selectPage, Where } from './paging.ts'

interface UserRow {
  id: string
  email: string
  name: string
  password_hash: string
  created_at: number
  disabled_at: number | null
}

interface GrantRow {
  id: string
  user_id: string
  role: Role
  organisation_id: string | null
  facility_id: string | null
}

interface SessionRow {
  user_id: string
  grant_id: string
  created_at: number
  last_seen_at: number
  expires_at: number
}

function toGrant(row: GrantRow): Grant {
  const grant: Grant = { id: row.id, role: row.role }
  if (row.organisation_id !== null) grant.organisationId = row.organisation_id
  if (row.facility_id !== null) grant.facilityId = row.facility_id
  return grant
}

export function userRepository(
  db: DatabaseSync,
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
  const statements = {
    insertUser: db.prepare(
      'INSERT INTO app_user (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertGrant: db.prepare(
      `INSERT INTO user_grant (id, user_id, role, organisation_id, facility_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    user: db.prepare('SELECT * FROM app_user WHERE id = ?'),
    userByEmail: db.prepare('SELECT * FROM app_user WHERE email = ?'),
    grants: db.prepare('SELECT * FROM user_grant WHERE user_id = ? ORDER BY created_at, id'),
    setPassword: db.prepare('UPDATE app_user SET password_hash = ? WHERE id = ?'),
    disable: db.prepare('UPDATE app_user SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL'),
    revokeOwnedKeys: db.prepare(
      'UPDATE api_key SET revoked_at = ? WHERE owner_user_id = ? AND revoked_at IS NULL',
    ),
    insertSession: db.prepare(
      `INSERT INTO user_session (id_hash, user_id, grant_id, created_at, last_seen_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    session: db.prepare('SELECT * FROM user_session WHERE id_hash = ?'),
    touch: db.prepare('UPDATE user_session SET last_seen_at = max(last_seen_at, ?) WHERE id_hash = ?'),
    deleteSession: db.prepare('DELETE FROM user_session WHERE id_hash = ?'),
    deleteUserSessions: db.prepare('DELETE FROM user_session WHERE user_id = ?'),
    deleteExpired: db.prepare('DELETE FROM user_session WHERE expires_at <= ?'),
  }

  function toUser(row: UserRow): User {
    const user: User = {
      id: row.id,
      email: row.email,
      name: row.name,
      grants: (statements.grants.all(row.id) as unknown as GrantRow[]).map(toGrant),
      createdAt: row.created_at,
    }
    if (row.disabled_at !== null) user.disabledAt = row.disabled_at
    return user
  }

  return {
    async createUser(user, passwordHash) {
      const now = Date.now()
      try {
        inTransaction(db, () => {
          statements.insertUser.run(user.id, user.email, user.name, passwordHash, now)
          for (const grant of user.grants) {
            statements.insertGrant.run(
              grant.id,
              user.id,
              grant.role,
              grant.organisationId ?? null,
              grant.facilityId ?? null,
              now,
            )
          }
        })
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`a user with e-mail ${user.email} exists already`)
        if (isForeignKeyViolation(err))
          throw new NotFoundError('a grant’s organisation or facility does not exist')
        throw err
      }
      return toUser(statements.user.get(user.id) as unknown as UserRow)
    },
    async getUser(id) {
      const row = statements.user.get(id) as UserRow | undefined
      return row && toUser(row)
    },
    async findUserByEmail(email) {
      const row = statements.userByEmail.get(email) as UserRow | undefined
      return row && { ...toUser(row), passwordHash: row.password_hash }
    },
    async listUsers(page) {
      const { rows, total } = selectPage<UserRow>(db, 'app_user', new Where(), 'created_at, id', page)
      return { items: rows.map(toUser), total, ...page }
    },
    async setUserPassword(id, passwordHash) {
      inTransaction(
        db,
        () => {
          if (statements.setPassword.run(passwordHash, id).changes === 0)
            throw new NotFoundError(`no user ${id}`)
          statements.deleteUserSessions.run(id)
        },
        'IMMEDIATE',
      )
    },
    async disableUser(id, at) {
      return inTransaction(
        db,
        () => {
          const changed = statements.disable.run(at, id).changes > 0
          if (changed) {
            statements.deleteUserSessions.run(id)
            statements.revokeOwnedKeys.run(at, id)
          }
          return changed
        },
        'IMMEDIATE',
      )
    },
    async createSession(idHash, session) {
      // Sessions past their absolute expiry go as new ones come, so the table holds only live ones.
      statements.deleteExpired.run(session.createdAt)
      statements.insertSession.run(
        idHash,
        session.userId,
        session.grantId,
        session.createdAt,
        session.lastSeenAt,
        session.expiresAt,
      )
    },
    async findSession(idHash) {
      const row = statements.session.get(idHash) as SessionRow | undefined
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
      statements.touch.run(at, idHash)
    },
    async deleteSession(idHash) {
      return statements.deleteSession.run(idHash).changes > 0
    },
    async deleteUserSessions(userId) {
      return Number(statements.deleteUserSessions.run(userId).changes)
    },
  }
}
