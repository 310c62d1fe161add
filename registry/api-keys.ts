import { randomBytes } from 'node:crypto'
import { digest, formatApiKey, newSecret } from './credentials.ts'
import type { ApiKey, Registry } from './types.ts'

/**
 * Creates an API key and returns it with its token, `qk_{id}_{secret}`: the only time the secret exists
 * outside the caller's hands. Shared by the API and the `quantrac admin` command.
 */
export async function issueApiKey(
  registry: Registry,
  request: Omit<ApiKey, 'id' | 'createdAt' | 'revokedAt'> & { id?: string },
): Promise<{ key: ApiKey; token: string }> {
  const id = request.id ?? randomBytes(6).toString('hex')
  const secret = newSecret()
  const key = await registry.createApiKey({ ...request, id }, digest(secret))
  return { key, token: formatApiKey(id, secret) }
}

/** Whether a key still opens the API at `now`: neither revoked nor expired. */
export function isKeyActive(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: number): boolean {
  return key.revokedAt === undefined && (key.expiresAt === undefined || now < key.expiresAt)
}
