import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

// scrypt with N = 2^15 costs ~32 MiB and tens of milliseconds per check: slow enough that a stolen
// database does not give sensor passwords away, cheap enough for connections (which are cached).
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const
/**
 * People's passwords are chosen by people, so weaker than a random sensor secret: p = 3 triples the work at
 * the same 32 MiB, one of the scrypt settings of equal strength OWASP's Password Storage Cheat Sheet lists
 * as its minimum (N=2^17 r=8 p=1 ≈ N=2^16 r=8 p=2 ≈ N=2^15 r=8 p=3). Key 32 bytes, salt 16 random bytes.
 */
export const PASSWORD_SCRYPT = { N: 2 ** 15, r: 8, p: 3, maxmem: SCRYPT.maxmem } as const
const KEY_LENGTH = 32

interface ScryptParams {
  N: number
  r: number
  p: number
  maxmem: number
}

function scryptAsync(secret: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, length, params, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

/** A random secret for a sensor or an API key: 32 bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** `scrypt$N$r$p$salt$hash`, parameters kept with the hash so they can be raised later. */
export async function hashSecret(secret: string, params: ScryptParams = SCRYPT): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scryptAsync(secret, salt, KEY_LENGTH, params)
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64url')
  const params = { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem }
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), expected.length, params)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** A new MQTT password for a sensor, and the slow hash the registry keeps instead of it. */
export async function newSensorSecret(): Promise<{ password: string; hash: string }> {
  const password = newSecret()
  return { password, hash: await hashSecret(password) }
}

/** A fast digest for secrets that are already random and long (API keys), and for caches of verified ones. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url')
}

const API_KEY = /^qk_([A-Za-z0-9-]{1,64})_([A-Za-z0-9_-]{43})$/

/** API keys read `qk_{keyId}_{secret}`: the id finds the key, the secret proves it. */
export function formatApiKey(id: string, secret: string): string {
  return `qk_${id}_${secret}`
}

export function parseApiKey(token: string): { id: string; secret: string } | undefined {
  const match = API_KEY.exec(token)
  return match === null ? undefined : { id: match[1]!, secret: match[2]! }
}
