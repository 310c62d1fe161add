import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { digest, hashSecret, newSecret, PASSWORD_SCRYPT, verifySecret } from './credentials.ts'
import type { AccountToken, Grant, Registry, User } from './types.ts'

/** Passwords people choose: long enough to resist guessing offline, short enough to type (NIST SP 800-63B §3.1.1.2: at least 8, accept at least 64). */
export const PASSWORD_LENGTH = { min: 12, max: 128 } as const

/** E-mail as it is stored and looked up: trimmed, NFC, lower case, so `Anh@X.vn ` and `anh@x.vn` are one person. */
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase()
}

/** A generated password for a person, shown once: 24 characters of base64url (144 bits). */
export function newPassword(): string {
  return randomBytes(18).toString('base64url')
}

export function hashPassword(password: string): Promise<string> {
  return hashSecret(password, PASSWORD_SCRYPT)
}

/**
 * Registers a person with their grants; shared by `quantrac admin create-user` and the demo. The password
 * is only hashed here, never kept or logged.
 */
export async function createUser(
  registry: Registry,
  request: { email: string; name: string; password: string; grants: Omit<Grant, 'id'>[] },
): Promise<User> {
  const id = randomBytes(6).toString('hex')
  const grants = request.grants.map((grant) => ({ ...grant, id: randomBytes(6).toString('hex') }))
  return registry.createUser(
    { id, email: normaliseEmail(request.email), name: request.name, grants },
    await hashPassword(request.password),
  )
}

// A hash of a password nobody has, checked when no such person exists, so that the time of an answer does not
// tell which e-mails have accounts.
let nobody: Promise<string> | undefined

/** The person whose e-mail and password these are, or undefined; disabled people are returned (check disabledAt). */
export async function checkPassword(
  registry: Registry,
  email: string,
  password: string,
): Promise<User | undefined> {
  const user = await registry.findUserByEmail(normaliseEmail(email))
  if (user === undefined) {
    nobody ??= hashPassword(newSecret())
    await verifySecret(password, await nobody)
    return undefined
  }
  const { passwordHash, ...rest } = user
  return (await verifySecret(password, passwordHash)) ? rest : undefined
}

/** How long sessions last: idle since the last request, and at most from sign-in. */
export interface SessionLifetime {
  idleMs: number
  absoluteMs: number
}

/** A new session id (the cookie's value) and the digest the registry keeps instead of it. */
export async function startSession(
  registry: Registry,
  userId: string,
  grantId: string,
  lifetime: SessionLifetime,
  now: number,
): Promise<string> {
  const sessionId = newSecret()
  await registry.createSession(digest(sessionId), {
    userId,
    grantId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + lifetime.absoluteMs,
  })
  return sessionId
}

/** Whether a session still opens the API at `now`: neither idle too long nor past its absolute expiry. */
export function isSessionLive(
  session: { lastSeenAt: number; expiresAt: number },
  lifetime: SessionLifetime,
  now: number,
): boolean {
  return now < session.expiresAt && now - session.lastSeenAt < lifetime.idleMs
}

/**
 * The CSRF token of a session: an HMAC of the session id, so it needs no storage, is worthless without the
 * cookie, and a page on another site cannot read or compute it.
 */
export function csrfTokenOf(sessionId: string): string {
  return createHmac('sha256', sessionId).update('quantrac csrf').digest('base64url')
}

export function isCsrfTokenOf(sessionId: string, token: string | undefined): boolean {
  if (token === undefined) return false
  const expected = Buffer.from(csrfTokenOf(sessionId))
  const given = Buffer.from(token)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** An account link's token (256 bits, base64url) and what it is for; the registry keeps only its digest. */
export async function issueAccountToken(
  registry: Registry,
  token: Omit<AccountToken, 'usedAt'>,
): Promise<string> {
  const secret = newSecret()
  await registry.createAccountToken(digest(secret), token)
  return secret
}

/** A hash no password matches, for a person invited who has not chosen one yet. */
export function unusablePasswordHash(): Promise<string> {
  return hashPassword(newSecret())
}
