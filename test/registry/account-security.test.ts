import { generate } from 'otplib'
import { beforeEach, expect, it } from 'vitest'
import { digest } from '../../registry/credentials.ts'
import {
  newRecoveryCodes,
  newTotpSecret,
  recoveryCodeDigest,
  totpStep,
} from '../../registry/second-factor.ts'
import type { AccountTokenPurpose, RegistryDatabase } from '../../registry/types.ts'
import { describeEachRegistry } from '../support/registries.ts'

/** Account links and the second factor as the registry keeps them (SQLite 019, PostgreSQL 002). */
describeEachRegistry('account links and second factors in the registry', (opened) => {
  let registry: RegistryDatabase

  beforeEach(async () => {
    registry = opened().registry
    await registry.createUser(
      { id: 'u1', email: 'lan@x.vn', name: 'Lan', grants: [{ id: 'g1', role: 'admin' }] },
      'old',
    )
  })

  const link = (hash: string, expiresAt = 10_000, purpose: AccountTokenPurpose = 'password-reset') =>
    registry.createAccountToken(hash, { purpose, userId: 'u1', createdAt: 0, expiresAt })

  it('uses a link once: the password changes, the sessions end, the person’s other links go with it', async () => {
    await link('h1')
    await link('h2')
    await link('h3', 10_000, 'invitation')
    await registry.createSession('s1', {
      userId: 'u1',
      grantId: 'g1',
      createdAt: 0,
      lastSeenAt: 0,
      expiresAt: 1e15,
    })
    const used = await registry.redeemAccountToken('h1', 5_000, 'new-hash')
    expect(used).toMatchObject({ user: { id: 'u1' }, purpose: 'password-reset' })
    expect((await registry.findUserByEmail('lan@x.vn'))?.passwordHash).toBe('new-hash')
    expect(await registry.findSession('s1')).toBeUndefined()
    expect(await registry.redeemAccountToken('h1', 5_001, 'x')).toEqual({ refused: 'used' })
    expect(await registry.redeemAccountToken('h2', 5_001, 'x')).toEqual({ refused: 'used' })
    expect(await registry.redeemAccountToken('h3', 5_001, 'x')).toEqual({ refused: 'used' })
  })

  it('refuses an unknown, an expired and a disabled person’s link, changing nothing', async () => {
    await link('h1', 1_000)
    await link('h2', 10_000)
    expect(await registry.redeemAccountToken('nope', 0, 'x')).toEqual({ refused: 'unknown' })
    expect(await registry.redeemAccountToken('h1', 1_000, 'x')).toEqual({ refused: 'expired' })
    await registry.disableUser('u1', 2_000)
    expect(await registry.redeemAccountToken('h2', 3_000, 'x')).toEqual({ refused: 'disabled' })
    expect((await registry.findUserByEmail('lan@x.vn'))?.passwordHash).toBe('old')
  })

  it('puts a TOTP factor in force once confirmed, refuses a step used already, uses a recovery code once', async () => {
    const secret = newTotpSecret()
    await registry.setTotpSecret('u1', secret)
    expect(await registry.getTotp('u1')).toEqual({ secret })
    const now = Date.now()
    const step = (await totpStep(secret, await generate({ secret, epoch: Math.floor(now / 1000) }), now))!
    const codes = newRecoveryCodes()
    await registry.confirmTotp('u1', now, step, codes.map(recoveryCodeDigest))
    expect(await registry.getTotp('u1')).toEqual({ secret, confirmedAt: now, lastStep: step })
    expect(await registry.useTotpStep('u1', step)).toBe(false)
    expect(await registry.useTotpStep('u1', step + 1)).toBe(true)
    expect(await registry.useRecoveryCode('u1', recoveryCodeDigest(codes[3]!), now)).toBe(true)
    expect(await registry.useRecoveryCode('u1', recoveryCodeDigest(codes[3]!), now)).toBe(false)
    expect(await registry.useRecoveryCode('u1', digest('not a code'), now)).toBe(false)
    await registry.setTotpSecret('u1', undefined)
    expect(await registry.getTotp('u1')).toBeUndefined()
    expect(await registry.useRecoveryCode('u1', recoveryCodeDigest(codes[4]!), now)).toBe(false)
  })

  it('accepts a code of the step either side, not two away, and never a replayed one', async () => {
    const secret = newTotpSecret()
    const at = 1_800_000_000_000
    const codeAt = (seconds: number) => generate({ secret, epoch: at / 1000 + seconds })
    const now = await totpStep(secret, await codeAt(0), at)
    expect(now).toBeDefined()
    expect(await totpStep(secret, await codeAt(30), at)).toBe(now! + 1)
    expect(await totpStep(secret, await codeAt(-30), at)).toBe(now! - 1)
    expect(await totpStep(secret, await codeAt(90), at)).toBeUndefined()
    expect(await totpStep(secret, await codeAt(0), at, now)).toBeUndefined()
    expect(await totpStep(secret, 'abcdef', at)).toBeUndefined()
  })
})
