import { describe, expect, it } from 'vitest'
import { parseEnv } from '../../../core/config.ts'
import { platformConfig } from '../../../platform/platform.ts'
import { startTestApi } from '../../support/api.ts'
import { freePort } from '../../support/ports.ts'

describe('socket.io’s Redis adapter setting', () => {
  it('refuses a QUANTRAC_REDIS_URL that is not a redis:// URL, naming it', () => {
    expect(() => parseEnv(platformConfig, { QUANTRAC_REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(
      /QUANTRAC_REDIS_URL: a redis:\/\/ or rediss:\/\/ URL/,
    )
    expect(parseEnv(platformConfig, { QUANTRAC_REDIS_URL: 'rediss://cache:6380' }).QUANTRAC_REDIS_URL).toBe(
      'rediss://cache:6380',
    )
  })

  it('stops the API’s start when Redis cannot be reached, naming the setting and not its password', async () => {
    const port = await freePort()
    const start = startTestApi({ settings: { redisUrl: `redis://quantrac:s3cret-pw@127.0.0.1:${port}` } })
    const refusal = await start.then(
      () => undefined,
      (err: Error) => err.message,
    )
    expect(refusal).toMatch(new RegExp(`^QUANTRAC_REDIS_URL: cannot reach Redis at 127.0.0.1:${port} \\(`))
    expect(refusal).not.toContain('s3cret-pw')
  })
})
