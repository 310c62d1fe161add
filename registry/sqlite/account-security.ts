import type { DatabaseSync } from 'node:sqlite'
import { inTransaction } from '../../sqlite/database.ts'
import type { AccountTokenPurpose, Registry, TokenRedemption } from '../types.ts'

interface TokenRow {
  purpose: AccountTokenPurpose
  user_id: string
  expires_at: number
  used_at: number | null
}

interface TotpRow {
  totp_secret: string | null
  totp_confirmed_at: number | null
  totp_last_step: number | null
}

/** Account links (password reset, invitation) and the TOTP second factor with its recovery codes. */
export function accountSecurityRepository(
  db: DatabaseSync,
  users: Pick<Registry, 'getUser'>,
): Pick<
  Registry,
  | 'createAccountToken'
  | 'redeemAccountToken'
  | 'getTotp'
  | 'setTotpSecret'
  | 'confirmTotp'
  | 'useTotpStep'
  | 'useRecoveryCode'
> {
  const statements = {
    insertToken: db.prepare(
      'INSERT INTO account_token (id_hash, purpose, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    token: db.prepare('SELECT purpose, user_id, expires_at, used_at FROM account_token WHERE id_hash = ?'),
    useToken: db.prepare('UPDATE account_token SET used_at = ? WHERE id_hash = ? AND used_at IS NULL'),
    useOthers: db.prepare('UPDATE account_token SET used_at = ? WHERE user_id = ? AND used_at IS NULL'),
    disabled: db.prepare('SELECT disabled_at FROM app_user WHERE id = ?'),
    setPassword: db.prepare('UPDATE app_user SET password_hash = ? WHERE id = ?'),
    endSessions: db.prepare('DELETE FROM user_session WHERE user_id = ?'),
    totp: db.prepare('SELECT totp_secret, totp_confirmed_at, totp_last_step FROM app_user WHERE id = ?'),
    setSecret: db.prepare(
      'UPDATE app_user SET totp_secret = ?, totp_confirmed_at = NULL, totp_last_step = NULL WHERE id = ?',
    ),
    confirm: db.prepare(
      'UPDATE app_user SET totp_confirmed_at = ?, totp_last_step = ? WHERE id = ? AND totp_secret IS NOT NULL',
    ),
    useStep: db.prepare(
      `UPDATE app_user SET totp_last_step = ?
       WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)`,
    ),
    deleteCodes: db.prepare('DELETE FROM user_recovery_code WHERE user_id = ?'),
    insertCode: db.prepare('INSERT INTO user_recovery_code (user_id, code_hash) VALUES (?, ?)'),
    useCode: db.prepare(
      'UPDATE user_recovery_code SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
    ),
  }

  return {
    async createAccountToken(idHash, token) {
      statements.insertToken.run(idHash, token.purpose, token.userId, token.createdAt, token.expiresAt)
    },
    async redeemAccountToken(idHash, at, passwordHash) {
      type Refusal = Extract<TokenRedemption, { refused: unknown }>
      const outcome = inTransaction<Refusal | { userId: string; purpose: AccountTokenPurpose }>(
        db,
        () => {
          const row = statements.token.get(idHash) as TokenRow | undefined
          if (row === undefined) return { refused: 'unknown' as const }
          if (row.used_at !== null) return { refused: 'used' as const }
          if (row.expires_at <= at) return { refused: 'expired' as const }
          const person = statements.disabled.get(row.user_id) as { disabled_at: number | null }
          if (person.disabled_at !== null) return { refused: 'disabled' as const }
          statements.useToken.run(at, idHash)
          statements.useOthers.run(at, row.user_id)
          statements.setPassword.run(passwordHash, row.user_id)
          statements.endSessions.run(row.user_id)
          return { userId: row.user_id, purpose: row.purpose }
        },
        'IMMEDIATE',
      )
      if ('refused' in outcome) return outcome
      return { user: (await users.getUser(outcome.userId))!, purpose: outcome.purpose }
    },
    async getTotp(userId) {
      const row = statements.totp.get(userId) as TotpRow | undefined
      if (row?.totp_secret == null) return undefined
      return {
        secret: row.totp_secret,
        ...(row.totp_confirmed_at === null ? {} : { confirmedAt: row.totp_confirmed_at }),
        ...(row.totp_last_step === null ? {} : { lastStep: row.totp_last_step }),
      }
    },
    async setTotpSecret(userId, secret) {
      inTransaction(db, () => {
        statements.setSecret.run(secret ?? null, userId)
        if (secret === undefined) statements.deleteCodes.run(userId)
      })
    },
    async confirmTotp(userId, at, step, recoveryCodeHashes) {
      inTransaction(db, () => {
        statements.confirm.run(at, step, userId)
        statements.deleteCodes.run(userId)
        for (const hash of recoveryCodeHashes) statements.insertCode.run(userId, hash)
      })
    },
    async useTotpStep(userId, step) {
      return statements.useStep.run(step, userId, step).changes > 0
    },
    async useRecoveryCode(userId, codeHash, at) {
      return statements.useCode.run(at, userId, codeHash).changes > 0
    },
  }
}
