import type pg from 'pg'
import type { AccountTokenPurpose, Registry, TokenRedemption } from '../types.ts'
import { inTransaction } from './database.ts'

interface TokenRow {
  purpose: AccountTokenPurpose
  user_id: string
  expires_at: number
  used_at: number | null
  disabled_at: number | null
}

interface TotpRow {
  totp_secret: string | null
  totp_confirmed_at: number | null
  totp_last_step: number | null
}

/** Account links (password reset, invitation) and the TOTP second factor with its recovery codes. */
export function accountSecurityRepository(
  pool: pg.Pool,
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
  return {
    async createAccountToken(idHash, token) {
      await pool.query(
        'INSERT INTO account_token (id_hash, purpose, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
        [idHash, token.purpose, token.userId, token.createdAt, token.expiresAt],
      )
    },
    async redeemAccountToken(idHash, at, passwordHash) {
      type Refusal = Extract<TokenRedemption, { refused: unknown }>
      const outcome = await inTransaction<Refusal | { userId: string; purpose: AccountTokenPurpose }>(
        pool,
        async (client) => {
          // The token's row and its person's, locked: two uses of one link at once, one wins.
          const { rows } = await client.query<TokenRow>(
            `SELECT t.purpose, t.user_id, t.expires_at, t.used_at, u.disabled_at
             FROM account_token t JOIN app_user u ON u.id = t.user_id WHERE t.id_hash = $1 FOR UPDATE`,
            [idHash],
          )
          const row = rows[0]
          if (row === undefined) return { refused: 'unknown' as const }
          if (row.used_at !== null) return { refused: 'used' as const }
          if (row.expires_at <= at) return { refused: 'expired' as const }
          if (row.disabled_at !== null) return { refused: 'disabled' as const }
          await client.query('UPDATE account_token SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL', [
            at,
            row.user_id,
          ])
          await client.query('UPDATE app_user SET password_hash = $1 WHERE id = $2', [
            passwordHash,
            row.user_id,
          ])
          await client.query('DELETE FROM user_session WHERE user_id = $1', [row.user_id])
          return { userId: row.user_id, purpose: row.purpose }
        },
      )
      if ('refused' in outcome) return outcome
      return { user: (await users.getUser(outcome.userId))!, purpose: outcome.purpose }
    },
    async getTotp(userId) {
      const { rows } = await pool.query<TotpRow>(
        'SELECT totp_secret, totp_confirmed_at, totp_last_step FROM app_user WHERE id = $1',
        [userId],
      )
      const row = rows[0]
      if (row?.totp_secret == null) return undefined
      return {
        secret: row.totp_secret,
        ...(row.totp_confirmed_at === null ? {} : { confirmedAt: row.totp_confirmed_at }),
        ...(row.totp_last_step === null ? {} : { lastStep: row.totp_last_step }),
      }
    },
    async setTotpSecret(userId, secret) {
      await inTransaction(pool, async (client) => {
        await client.query(
          'UPDATE app_user SET totp_secret = $1, totp_confirmed_at = NULL, totp_last_step = NULL WHERE id = $2',
          [secret ?? null, userId],
        )
        if (secret === undefined)
          await client.query('DELETE FROM user_recovery_code WHERE user_id = $1', [userId])
      })
    },
    async confirmTotp(userId, at, step, recoveryCodeHashes) {
      await inTransaction(pool, async (client) => {
        await client.query(
          'UPDATE app_user SET totp_confirmed_at = $1, totp_last_step = $2 WHERE id = $3 AND totp_secret IS NOT NULL',
          [at, step, userId],
        )
        await client.query('DELETE FROM user_recovery_code WHERE user_id = $1', [userId])
        await client.query(
          'INSERT INTO user_recovery_code (user_id, code_hash) SELECT $1, unnest($2::text[])',
          [userId, [...recoveryCodeHashes]],
        )
      })
    },
    async useTotpStep(userId, step) {
      const result = await pool.query(
        `UPDATE app_user SET totp_last_step = $1
         WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)`,
        [step, userId],
      )
      return result.rowCount === 1
    },
    async useRecoveryCode(userId, codeHash, at) {
      const result = await pool.query(
        'UPDATE user_recovery_code SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL',
        [at, userId, codeHash],
      )
      return result.rowCount === 1
    },
  }
}
