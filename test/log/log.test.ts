import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, redactLine } from '../../log/log.ts'

function capture() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  return { lines, log: createLogger('debug', stream) }
}

describe('the logger', () => {
  it('never writes the password of a CONNECT packet an error carries, in any form', () => {
    const { lines, log } = capture()
    const password = Buffer.from('s3cr3t-sensor-password')
    const err = Object.assign(new Error('Invalid protocol'), {
      info: { cmd: 'connect', clientId: 'fac-1-noise', username: 'fac-1-noise', password },
    })
    log.child({ component: 'broker' }).debug({ clientId: 'fac-1-noise', err }, 'MQTT client error')
    expect(lines).toHaveLength(1)
    const entry = JSON.parse(lines[0]!)
    expect(entry.err.info).toMatchObject({ username: 'fac-1-noise', password: '[redacted]' })
    expect(entry.err.message).toBe('Invalid protocol')
    expect(lines[0]).not.toContain('s3cr3t')
    expect(lines[0]).not.toContain(JSON.stringify([...password]).slice(1, -1))
  })

  it.each([
    [{ password: 'p' }],
    [{ nested: { deeper: { servicePassword: 'p' } } }],
    [{ headers: { authorization: 'Bearer p' } }],
    [{ secretHash: 'scrypt$p' }],
    [{ api_key: 'p' }],
    [{ list: [{ token: 'p' }] }],
  ])('redacts the value of a key naming a secret, at any depth: %j', (fields) => {
    const { lines, log } = capture()
    log.info(fields, 'something happened')
    expect(lines[0]).toContain('[redacted]')
    expect(JSON.stringify(JSON.parse(lines[0]!))).not.toMatch(/"p"|Bearer p|scrypt\$p/)
  })

  it('redacts API keys, URL credentials and bearer tokens inside any string', () => {
    const { lines, log } = capture()
    const key = `qk_k-01_${'A'.repeat(43)}`
    log.warn({ url: 'mqtt://services:hunter2@broker:1883' }, `key ${key} refused; sent "Bearer abc.def"`)
    expect(lines[0]).not.toContain('hunter2')
    expect(lines[0]).not.toContain('A'.repeat(43))
    expect(lines[0]).not.toContain('abc.def')
    expect(lines[0]).toContain('qk_k-01_[redacted]')
    expect(lines[0]).toContain('mqtt://[redacted]@broker:1883')
  })

  it('leaves lines without secrets as pino wrote them', () => {
    const line = '{"level":30,"time":1,"msg":"ingest taking readings","count":3}\n'
    expect(redactLine(line)).toBe(line)
    const mentioning = '{"level":40,"time":1,"reason":"bad-credentials","msg":"wrong password"}\n'
    expect(redactLine(mentioning)).toBe(mentioning)
  })

  it('never writes a sign-in’s password, the session cookie or the CSRF token, however they are logged', () => {
    const { lines, log } = capture()
    log.info(
      {
        body: { email: 'mai@example.vn', password: 'correct horse battery staple' },
        headers: { cookie: 'quantrac_session=AbC123secretSessionId', 'x-csrf-token': 'Tok3nValue' },
        user: { newPassword: 'another secret one', password_hash: 'scrypt$32768$8$3$salt$hash' },
      },
      'sign-in',
    )
    const entry = JSON.parse(lines[0]!)
    expect(entry.body).toEqual({ email: 'mai@example.vn', password: '[redacted]' })
    expect(entry.headers).toEqual({ cookie: '[redacted]', 'x-csrf-token': '[redacted]' })
    expect(entry.user).toEqual({ newPassword: '[redacted]', password_hash: '[redacted]' })
    for (const secret of ['correct horse', 'AbC123secret', 'Tok3nValue', 'another secret', 'scrypt$'])
      expect(lines[0]).not.toContain(secret)
  })
})
