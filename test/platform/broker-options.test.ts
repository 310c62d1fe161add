import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { brokerEnv } from '../../broker/config.ts'
import { ConfigError, parseEnv } from '../../core/config.ts'
import { brokerOptions } from '../../platform/options.ts'

const configOf = (env: Record<string, string>) => parseEnv(z.object(brokerEnv), env)
const service = { username: 'quantrac', password: 'secret' }

describe('the broker’s WebSocket listener from the configuration', () => {
  it('is off unless QUANTRAC_MQTT_WS_PORT is set', () => {
    expect(brokerOptions(configOf({}), service).websocket).toBeUndefined()
  })

  it('listens at /mqtt on the listen host, or on QUANTRAC_MQTT_WS_HOST', () => {
    expect(brokerOptions(configOf({ QUANTRAC_MQTT_WS_PORT: '8884' }), service).websocket).toEqual({
      host: '127.0.0.1',
      port: 8884,
      path: '/mqtt',
      tls: undefined,
    })
    const elsewhere = configOf({ QUANTRAC_MQTT_WS_PORT: '8884', QUANTRAC_MQTT_WS_HOST: '0.0.0.0' })
    expect(brokerOptions(elsewhere, service).websocket?.host).toBe('0.0.0.0')
  })

  it('refuses wss:// without the TLS certificate and key, naming the setting', () => {
    const config = configOf({ QUANTRAC_MQTT_WS_PORT: '8884', QUANTRAC_MQTT_WS_TLS: 'true' })
    expect(() => brokerOptions(config, service)).toThrow(ConfigError)
    expect(() => brokerOptions(config, service)).toThrow(/QUANTRAC_MQTT_WS_TLS: .*QUANTRAC_MQTT_TLS_CERT/)
  })

  it('refuses a port that is not one, naming it', () => {
    expect(() => configOf({ QUANTRAC_MQTT_WS_PORT: '70000' })).toThrow(/QUANTRAC_MQTT_WS_PORT/)
  })
})
