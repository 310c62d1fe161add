import { describe, expect, it } from 'vitest'
import { startupBanner } from '../../bin/banner.ts'

describe('startupBanner', () => {
  const base = { apiUrl: 'http://127.0.0.1:8080', mqttUrl: 'mqtt://127.0.0.1:1883', dataDir: './data' }

  it('lists the demo’s page, keys, people and a command to try, one fact a line', () => {
    const banner = startupBanner({
      ...base,
      demo: {
        keysFile: 'data/demo-keys.env',
        keys: { officer: 'qk_o', regulator: 'qk_r' },
        users: {
          admin: { email: 'admin@demo.quantrac.vn', password: 'pa' },
          officer: { email: 'officer@demo.quantrac.vn', password: 'po' },
        },
        officerOf: 'fac-001',
        tryCommand: 'mosquitto_pub …',
      },
    })
    expect(banner.split('\n')).toEqual([
      'quantrac is running',
      '  live page      http://127.0.0.1:8080/#key=qk_o   (signed in as the demo safety officer of fac-001)',
      '  sensors page   http://127.0.0.1:8080/sensors.html   (contractors register and commission sensors)',
      '  API docs       http://127.0.0.1:8080/docs',
      '  MQTT broker    mqtt://127.0.0.1:1883',
      '  API keys       data/demo-keys.env (officer of fac-001, contractor, regulator, admin)',
      '  officer key    qk_o',
      '  regulator key  qk_r',
      '  sign in        http://127.0.0.1:8080/ with e-mail and password (also in data/demo-keys.env):',
      '  admin          admin@demo.quantrac.vn  pa',
      '  officer        officer@demo.quantrac.vn  po',
      '  try            mosquitto_pub …',
      '  stop           Ctrl+C',
    ])
  })

  it('names the TLS and WebSocket listeners when the broker has them', () => {
    const banner = startupBanner({
      ...base,
      mqttTlsUrl: 'mqtts://0.0.0.0:8883',
      mqttWebSocketUrl: 'wss://0.0.0.0:8884/mqtt',
    })
    const lines = banner.split('\n')
    const broker = lines.indexOf('  MQTT broker    mqtt://127.0.0.1:1883')
    // Found by its text, not its position: the lines above it (pages, docs) grow as the platform does.
    expect(lines.slice(broker, broker + 3)).toEqual([
      '  MQTT broker    mqtt://127.0.0.1:1883',
      '  MQTT over TLS  mqtts://0.0.0.0:8883',
      '  MQTT over WS   wss://0.0.0.0:8884/mqtt',
    ])
  })

  it('without the demo, says how to create the first key, with the data directory when it is not the default', () => {
    expect(startupBanner(base)).toContain(
      '\n                 npx quantrac admin create-key --role admin --name "your name"\n',
    )
    expect(startupBanner({ ...base, dataDir: '/srv/q' })).toContain(
      'QUANTRAC_DATA_DIR=/srv/q npx quantrac admin create-key --role admin --name "your name"',
    )
  })
})
