import { randomBytes } from 'node:crypto'
import { generateSecret, generateURI, verify } from 'otplib'
import { digest } from './credentials.ts'

/** RFC 6238 with what every authenticator app takes: SHA-1, 6 digits, 30-second steps. */
const PERIOD_S = 30
/** A code from the step before or after is accepted too: a phone's clock a little off, a slow typist. */
const TOLERANCE_S = PERIOD_S
export const RECOVERY_CODES = 10

/** A new secret: 160 bits in base32 (RFC 4226 §4 recommends 160). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 })
}

/** What an authenticator app scans: `otpauth://totp/quantrac:{email}?secret=…&issuer=quantrac`. */
export function otpauthUri(email: string, secret: string): string {
  return generateURI({ issuer: 'quantrac', label: email, secret })
}

/**
 * The time step a 6-digit code is good for at `now` (epoch ms), or undefined when it is not good; a step
 * at or before `afterStep` (the last one used) is refused, so a code seen over a shoulder cannot be replayed.
 */
export async function totpStep(
  secret: string,
  code: string,
  now: number,
  afterStep?: number,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now / 1000),
    epochTolerance: TOLERANCE_S,
    ...(afterStep === undefined ? {} : { afterTimeStep: afterStep }),
  })
  return result.valid && 'timeStep' in result ? result.timeStep : undefined
}

/** Recovery codes, shown once: 10 of 80 random bits each, as four groups of five hex digits. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () =>
    randomBytes(10).toString('hex').match(/.{5}/g)!.join('-'),
  )
}

/** A recovery code as typed (spaces, case, dashes do not matter) to its stored digest. */
export function recoveryCodeDigest(code: string): string {
  const plain = code.toLowerCase().replace(/[^0-9a-f]/g, '')
  return digest(plain.match(/.{1,5}/g)?.join('-') ?? '')
}
