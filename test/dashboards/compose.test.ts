import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { z } from 'zod'
import { apiEnv } from '../../api/config.ts'
import { brokerEnv } from '../../broker/config.ts'
import { mqttClientEnv, parseEnv } from '../../core/config.ts'
import { ingestEnv } from '../../ingest/config.ts'
import { notifyEnv } from '../../notify/config.ts'
import { registryEnv } from '../../registry/config.ts'
import { PROVISIONING_DIR, REPO_ROOT } from './support/dashboards.ts'

type Environment = Record<string, string>

interface Service {
  image?: string
  hostname?: string
  entrypoint?: string[]
  build?: unknown
  command?: string[]
  profiles?: string[]
  environment?: Record<string, string | number | boolean>
  ports?: string[]
  volumes?: string[]
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  networks?: { default?: { aliases?: string[] } }
}

interface ComposeFile {
  services: Record<string, Service>
  volumes?: Record<string, unknown>
}

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8')

/** The QUANTRAC_* variables quantrac reads (README, service config.ts files). */
const QUANTRAC_VARIABLES = new Set([
  'QUANTRAC_LISTEN_HOST',
  'QUANTRAC_HTTP_PORT',
  'QUANTRAC_MQTT_PORT',
  'QUANTRAC_MQTT_URL',
  'QUANTRAC_MQTT_USERNAME',
  'QUANTRAC_MQTT_PASSWORD',
  'QUANTRAC_DATA_DIR',
  'QUANTRAC_INFLUX_URL',
  'QUANTRAC_INFLUX_DATABASE',
  'QUANTRAC_INFLUX_TOKEN',
  'QUANTRAC_INFLUX_ORG',
  'QUANTRAC_INFLUX_USERNAME',
  'QUANTRAC_INFLUX_PASSWORD',
  'QUANTRAC_LOG_LEVEL',
  ...Object.keys(brokerEnv),
  ...Object.keys(ingestEnv),
  ...Object.keys(apiEnv),
  ...Object.keys(notifyEnv),
  ...Object.keys(registryEnv),
])

/** The start-up schema of each `quantrac <command>`, to parse each service's environment as it will. */
const SCHEMAS: Record<string, z.ZodType> = {
  broker: z.object({ ...brokerEnv, ...registryEnv }),
  ingest: z.object({ ...ingestEnv, ...registryEnv }),
  // `quantrac api` runs the notifier beside it (QUANTRAC_NOTIFY).
  api: z.object({ ...apiEnv, ...notifyEnv, ...registryEnv }),
  simulate: z.object(mqttClientEnv),
}

/** .env.example as docker compose would read it as .env. */
function readDotEnv(text: string): Environment {
  const result: Environment = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (match) result[match[1]!] = match[2]!
  }
  return result
}

const dotEnv = readDotEnv(read('.env.example'))
const composeText = read('docker-compose.yml')
const compose = parse(composeText, { merge: true }) as ComposeFile
const services = compose.services

/** Compose's `${VAR}` / `${VAR:-default}` interpolation, from .env.example; `$$` is a `$`. */
function interpolate(value: string | number | boolean): string {
  return String(value).replace(
    /\$\$|\$\{(\w+)(?::?-([^}]*))?\}/g,
    (match, name?: string, fallback?: string) => {
      if (match === '$$') return '$'
      const found = dotEnv[name!]
      return found !== undefined && found !== '' ? found : (fallback ?? '')
    },
  )
}

function environmentOf(name: string): Environment {
  const service = services[name]
  expect(service, name).toBeDefined()
  return Object.fromEntries(Object.entries(service?.environment ?? {}).map(([k, v]) => [k, interpolate(v)]))
}

/** `host:container` port mappings as numbers. */
function ports(name: string): Array<{ host: number; container: number }> {
  return (services[name]?.ports ?? []).map((mapping) => {
    const [host, container] = mapping.split(':').map(Number)
    return { host: host!, container: container! }
  })
}

const quantracServices = ['broker', 'ingest', 'api', 'simulators']
const scaleServices = [
  'emqx1',
  'emqx2',
  'postgres',
  'redis',
  'ingest-1',
  'ingest-2',
  'api-1',
  'api-2',
  'proxy',
]
const inScaleProfile = (name: string) => services[name]?.profiles?.includes('scale') === true

describe('docker-compose.yml', () => {
  it('parses, with the six services, and the scale profile’s apart', () => {
    expect(
      Object.keys(services)
        .filter((name) => !inScaleProfile(name))
        .sort(),
    ).toEqual(['api', 'broker', 'grafana', 'influxdb', 'ingest', 'simulators'].sort())
    expect(Object.keys(services).filter(inScaleProfile).sort()).toEqual([...scaleServices].sort())
  })

  it('takes every interpolated variable from .env.example or gives it a default', () => {
    for (const match of composeText.matchAll(/\$\{(\w+)(:?-[^}]*)?\}/g)) {
      const [, name, fallback] = match
      expect(
        name! in dotEnv || fallback !== undefined,
        `${name} is neither in .env.example nor defaulted`,
      ).toBe(true)
    }
  })

  it('runs the quantrac services as `node bin/quantrac.js <command>` with commands the CLI has', () => {
    const cli = read('bin/quantrac.ts')
    const expected = { broker: 'broker', ingest: 'ingest', api: 'api', simulators: 'simulate' }
    for (const [name, command] of Object.entries(expected)) {
      const service = services[name]!
      expect(service.command?.slice(0, 3), name).toEqual(['node', 'bin/quantrac.js', command])
      expect(cli, `bin/quantrac.ts has no "${command}" command`).toContain(`case '${command}':`)
      expect(service.build ?? service.image, name).toBeDefined()
    }
    expect(services.simulators?.command).toEqual([
      'node',
      'bin/quantrac.js',
      'simulate',
      '--facilities',
      '5',
      '--sensors',
      '6',
      '--register',
    ])
  })

  it('starts the simulators only under the simulators profile', () => {
    expect(services.simulators?.profiles).toEqual(['simulators'])
    for (const [name, service] of Object.entries(services)) {
      if (name === 'simulators') continue
      if (scaleServices.includes(name)) expect(service.profiles, name).toEqual(['scale'])
      else expect(service.profiles, name).toBeUndefined()
    }
  })

  it('sets only QUANTRAC_* variables quantrac reads, and listens on all interfaces in the containers', () => {
    for (const name of quantracServices) {
      const env = environmentOf(name)
      for (const key of Object.keys(env).filter((k) => k.startsWith('QUANTRAC_'))) {
        expect(QUANTRAC_VARIABLES.has(key), `${name}: unknown ${key}`).toBe(true)
      }
      expect(env.QUANTRAC_LISTEN_HOST, name).toBe('0.0.0.0')
    }
  })

  it('gives each quantrac service an environment its start-up validation accepts (values from .env.example)', () => {
    const commands = { broker: 'broker', ingest: 'ingest', api: 'api', simulators: 'simulate' } as const
    for (const [name, command] of Object.entries(commands)) {
      expect(() => parseEnv(SCHEMAS[command]!, environmentOf(name)), name).not.toThrow()
    }
  })

  it('publishes the ports the services listen on, and points MQTT clients at the broker service', () => {
    const broker = environmentOf('broker')
    expect(ports('broker')).toEqual([{ host: 1883, container: Number(broker.QUANTRAC_MQTT_PORT) }])
    expect(ports('api')).toEqual([{ host: 8080, container: Number(environmentOf('api').QUANTRAC_HTTP_PORT) }])
    for (const name of ['ingest', 'api', 'simulators']) {
      const env = environmentOf(name)
      const url = new URL(env.QUANTRAC_MQTT_URL!)
      expect(url.protocol, name).toBe('mqtt:')
      expect(url.hostname, name).toBe('broker')
      expect(Number(url.port), name).toBe(Number(broker.QUANTRAC_MQTT_PORT))
      expect(env.QUANTRAC_MQTT_USERNAME, name).toBe(broker.QUANTRAC_MQTT_USERNAME)
      expect(env.QUANTRAC_MQTT_PASSWORD, name).toBe(broker.QUANTRAC_MQTT_PASSWORD)
      expect(services[name]?.depends_on?.broker?.condition, name).toBe('service_healthy')
    }
  })

  it('checks the API health on /health at its port', () => {
    const test = services.api?.healthcheck?.test.join(' ') ?? ''
    expect(test).toContain(`http://127.0.0.1:${environmentOf('api').QUANTRAC_HTTP_PORT}/health`)
  })

  it('declares every named volume and mounts only paths that exist in the repository', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}))
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':')
        if (source!.startsWith('.'))
          expect(existsSync(join(REPO_ROOT, source!)), `${name}: ${source}`).toBe(true)
        else expect(declared.has(source!), `${name}: volume ${source} not declared`).toBe(true)
      }
    }
  })

  it('shares one data volume, at QUANTRAC_DATA_DIR, between ingest and the API', () => {
    for (const name of ['ingest', 'api']) {
      const dataDir = environmentOf(name).QUANTRAC_DATA_DIR
      expect(dataDir, name).toBe('/app/data')
      expect(services[name]?.volumes, name).toContain(`quantrac-data:${dataDir}`)
    }
  })

  it('sets up InfluxDB 2 with the bucket, org and token that ingest, the API and Grafana use', () => {
    const influx = environmentOf('influxdb')
    expect(services.influxdb?.image).toMatch(/^influxdb:2(\.|$)/)
    expect(influx.DOCKER_INFLUXDB_INIT_MODE).toBe('setup')
    expect(influx.DOCKER_INFLUXDB_INIT_BUCKET).toBe('quantrac')
    expect(influx.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN).not.toBe('')
    expect(influx.DOCKER_INFLUXDB_INIT_PASSWORD?.length).toBeGreaterThanOrEqual(8)
    expect(ports('influxdb')).toEqual([{ host: 8086, container: 8086 }])
    for (const name of ['ingest', 'api']) {
      const env = environmentOf(name)
      const url = new URL(env.QUANTRAC_INFLUX_URL!)
      expect(`${url.hostname}:${url.port}`, name).toBe('influxdb:8086')
      expect(env.QUANTRAC_INFLUX_DATABASE, name).toBe(influx.DOCKER_INFLUXDB_INIT_BUCKET)
      expect(env.QUANTRAC_INFLUX_ORG, name).toBe(influx.DOCKER_INFLUXDB_INIT_ORG)
      expect(env.QUANTRAC_INFLUX_TOKEN, name).toBe(influx.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN)
      expect(services[name]?.depends_on?.influxdb?.condition, name).toBe('service_healthy')
    }
  })

  describe('grafana', () => {
    const grafana = services.grafana!
    const mounts = new Map(
      (grafana.volumes ?? []).map((volume) => {
        const [source, target, mode] = volume.split(':')
        return [target!, { source: source!, mode }]
      }),
    )

    it('mounts the provisioning folder and the dashboards read-only', () => {
      const provisioning = mounts.get('/etc/grafana/provisioning')
      expect(provisioning?.source).toBe('./dashboards/grafana/provisioning')
      expect(provisioning?.mode).toBe('ro')
      expect(join(REPO_ROOT, provisioning!.source)).toBe(PROVISIONING_DIR)
      const provider = parse(readFileSync(join(PROVISIONING_DIR, 'dashboards', 'quantrac.yaml'), 'utf8'))
        .providers[0] as { options: { path: string } }
      const dashboards = mounts.get(provider.options.path)
      expect(dashboards?.source, `nothing mounted at the provider path ${provider.options.path}`).toBe(
        './dashboards/grafana/dashboards',
      )
      expect(dashboards?.mode).toBe('ro')
      expect(statSync(join(REPO_ROOT, dashboards!.source)).isDirectory()).toBe(true)
    })

    it('gives the data source file every variable it expands, pointing at the influxdb service', () => {
      const env = environmentOf('grafana')
      const influx = environmentOf('influxdb')
      const datasource = readFileSync(join(PROVISIONING_DIR, 'datasources', 'quantrac.yaml'), 'utf8')
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('#'))
        .join('\n')
      for (const [, name] of datasource.matchAll(/\$\{(\w+)\}/g)) expect(env[name!], name).toBeTruthy()
      expect(env.INFLUX_URL).toBe('http://influxdb:8086')
      expect(env.INFLUX_DATABASE).toBe(influx.DOCKER_INFLUXDB_INIT_BUCKET)
      expect(env.INFLUX_TOKEN).toBe(influx.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN)
      expect(env.GF_SECURITY_ADMIN_PASSWORD).toBeTruthy()
    })

    it('runs the Grafana release whose dashboard schemaVersion @grafana/schema describes', () => {
      const schema = JSON.parse(read('node_modules/@grafana/schema/package.json')) as { version: string }
      const [major, minor] = schema.version.split('.')
      expect(grafana.image).toMatch(new RegExp(`^grafana/grafana:${major}\\.${minor}(\\.|$)`))
    })
  })
})

describe('docker-compose.yml, profile scale', () => {
  const quantracParts = {
    'ingest-1': 'ingest',
    'ingest-2': 'ingest',
    'api-1': 'api',
    'api-2': 'api',
  } as const
  const emqxConf = read('deploy/emqx/emqx.conf')
  const nginxConf = read('deploy/nginx/api.conf')
  const emqxNodes = ['emqx1', 'emqx2']

  it('runs the ingest workers and API instances as `quantrac ingest` and `quantrac api`, on the image', () => {
    for (const [name, command] of Object.entries(quantracParts)) {
      expect(services[name]?.command, name).toEqual(['node', 'bin/quantrac.js', command])
      expect(services[name]?.image, name).toBe(services.api?.image)
    }
  })

  it('gives each part an environment its start-up validation accepts, with only variables quantrac reads', () => {
    for (const [name, command] of Object.entries(quantracParts)) {
      const env = environmentOf(name)
      expect(() => parseEnv(SCHEMAS[command]!, env), name).not.toThrow()
      for (const key of Object.keys(env).filter((k) => k.startsWith('QUANTRAC_'))) {
        expect(QUANTRAC_VARIABLES.has(key), `${name}: unknown ${key}`).toBe(true)
      }
      expect(env.QUANTRAC_LISTEN_HOST, name).toBe('0.0.0.0')
    }
  })

  it('points every part at the EMQX services’ listener, on either node, with the services’ credentials', () => {
    const listener = /listeners\.tcp\.services \{\s*bind = "0\.0\.0\.0:(\d+)"/.exec(emqxConf)
    expect(listener, 'emqx.conf has no services listener').not.toBeNull()
    const hosts = new Set<string>()
    for (const name of Object.keys(quantracParts)) {
      const env = environmentOf(name)
      const url = new URL(env.QUANTRAC_MQTT_URL!)
      expect(url.protocol, name).toBe('mqtt:')
      expect(url.port, name).toBe(listener![1])
      const node = emqxNodes.find((n) => services[n]?.networks?.default?.aliases?.includes(url.hostname))
      expect(node, `${name}: ${url.hostname} is no EMQX node`).toBeDefined()
      expect(services[name]?.depends_on?.[node!]?.condition, name).toBe('service_healthy')
      hosts.add(url.hostname)
      expect(env.QUANTRAC_MQTT_USERNAME, name).toBe(dotEnv.QUANTRAC_MQTT_USERNAME)
      expect(env.QUANTRAC_MQTT_PASSWORD, name).toBe(dotEnv.QUANTRAC_MQTT_PASSWORD)
    }
    // Both nodes carry clients: the cluster is used as one.
    expect(hosts.size).toBe(2)
    // The services' listener is never published to the host: only the devices' listeners are.
    for (const node of emqxNodes) {
      expect(ports(node).map((p) => p.container)).not.toContain(Number(listener![1]))
    }
  })

  it('clusters the EMQX nodes by the names their containers answer to, with a shared cookie', () => {
    const seeds = /static\.seeds = \[([^\]]*)\]/.exec(emqxConf)?.[1]?.match(/"([^"]+)"/g)
    const names = emqxNodes.map((node) => environmentOf(node).EMQX_NODE__NAME)
    expect(seeds?.map((seed) => seed.slice(1, -1)).sort()).toEqual([...names].sort())
    for (const node of emqxNodes) {
      const [, host] = environmentOf(node).EMQX_NODE__NAME!.split('@')
      expect(services[node]?.hostname, node).toBe(host)
      expect(services[node]?.networks?.default?.aliases, node).toContain(host)
      expect(environmentOf(node).EMQX_NODE__COOKIE, node).toBe(dotEnv.EMQX_NODE_COOKIE)
      expect(services[node]?.volumes, node).toContain('./deploy/emqx/emqx.conf:/opt/emqx/etc/emqx.conf:ro')
      expect(services[node]?.volumes, node).toContain('./deploy/emqx/acl.conf:/opt/emqx/etc/acl.conf:ro')
    }
    expect(emqxNodes.map((node) => environmentOf(node).EMQX_NODE__COOKIE)).not.toContain('')
  })

  it('imports the services’ user EMQX authenticates from the file its entrypoint writes', () => {
    const bootstrap = /bootstrap_file = "([^"]+)"/.exec(emqxConf)?.[1]
    for (const node of emqxNodes) {
      const script = services[node]?.entrypoint?.join(' ') ?? ''
      expect(script, node).toContain(`> ${bootstrap}`)
      expect(script, node).toContain('$QUANTRAC_MQTT_USERNAME')
      expect(environmentOf(node).QUANTRAC_MQTT_PASSWORD, node).toBe(dotEnv.QUANTRAC_MQTT_PASSWORD)
    }
  })

  it('runs the ingest workers partitioned, each with its own client id and data volume', () => {
    const workers = ['ingest-1', 'ingest-2'].map((name) => ({ name, env: environmentOf(name) }))
    expect(new Set(workers.map((w) => w.env.QUANTRAC_INGEST_CLIENT_ID)).size).toBe(2)
    for (const { name, env } of workers) {
      expect(env.QUANTRAC_INGEST_CLIENT_ID, name).toMatch(/^quantrac-/)
      expect(env.QUANTRAC_INGEST_PARTITIONED, name).toBe('true')
      // The partitions' sessions carry the readings: no worker subscribes to all of them.
      expect(env.QUANTRAC_INGEST_SUBSCRIPTION, name).toBeUndefined()
      expect(services[name]?.volumes, name).toEqual([`${name}-data:${env.QUANTRAC_DATA_DIR}`])
    }
    expect(emqxConf).not.toMatch(/shared_subscription/)
    expect(emqxConf).toMatch(/^\s*max_inflight = \d{4,}$/m)
  })

  it('joins the API instances through Redis, one of them sending notifications', () => {
    const apis = ['api-1', 'api-2'].map((name) => ({ name, env: environmentOf(name) }))
    for (const { name, env } of apis) {
      expect(new URL(env.QUANTRAC_REDIS_URL!).hostname, name).toBe('redis')
      expect(services[name]?.depends_on?.redis?.condition, name).toBe('service_healthy')
      expect(env.QUANTRAC_TRUST_PROXY, name).toBe('true')
      expect(services[name]?.healthcheck?.test.join(' '), name).toContain(
        `http://127.0.0.1:${env.QUANTRAC_HTTP_PORT}/health`,
      )
    }
    expect(apis.map(({ env }) => env.QUANTRAC_NOTIFY).sort()).toEqual(['false', 'true'])
  })

  it('balances the proxy over both API instances, passing WebSocket upgrades and the Host with its port', () => {
    const upstreams = [...nginxConf.matchAll(/^\s*server ([\w-]+):(\d+)/gm)].map(([, host, port]) => ({
      host: host!,
      port: port!,
    }))
    expect(upstreams.map((u) => u.host).sort()).toEqual(['api-1', 'api-2'])
    for (const { host, port } of upstreams) expect(port, host).toBe(environmentOf(host).QUANTRAC_HTTP_PORT)
    expect(nginxConf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/)
    expect(nginxConf).toMatch(/proxy_set_header Connection \$connection_upgrade;/)
    expect(nginxConf).toMatch(/proxy_set_header Host \$http_host;/)
    expect(nginxConf).toMatch(/hash \$remote_addr consistent;/)
    const listen = /^\s*listen (\d+);/m.exec(nginxConf)?.[1]
    expect(ports('proxy')).toEqual([{ host: 8088, container: Number(listen) }])
    expect(services.proxy?.volumes).toEqual(['./deploy/nginx/api.conf:/etc/nginx/conf.d/default.conf:ro'])
    const publicUrl = new URL(environmentOf('api-1').QUANTRAC_PUBLIC_URL!)
    expect(Number(publicUrl.port)).toBe(8088)
  })

  it('depends only on services it defines, and publishes no host port twice', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined()
        if (inScaleProfile(name) && !inScaleProfile(dependency)) {
          expect(services[dependency]?.profiles, `${name} → ${dependency}`).toBeUndefined()
        }
      }
    }
    const hostPorts = Object.keys(services).flatMap((name) => ports(name).map((p) => p.host))
    expect(new Set(hostPorts).size).toBe(hostPorts.length)
  })
})

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile')
  const instructions = dockerfile
    .split('\n')
    .filter((line) => /^[A-Z]+\s/.test(line))
    .map((line) => line.trim())

  it('builds on node:24-slim with production dependencies only', () => {
    expect(instructions[0]).toBe('FROM node:24-slim')
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/)
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json/)
  })

  it('runs as a non-root user', () => {
    const users = instructions.filter((line) => line.startsWith('USER '))
    expect(users.length).toBeGreaterThan(0)
    expect(users.at(-1)).not.toMatch(/^USER (root|0)(:|$)/)
  })

  it('starts `node bin/quantrac.js start`, a file that exists and package.json names as the bin', () => {
    const cmd = instructions.find((line) => line.startsWith('CMD '))
    const args = JSON.parse(cmd!.slice(4)) as string[]
    expect(args).toEqual(['node', 'bin/quantrac.js', 'start'])
    expect(existsSync(join(REPO_ROOT, args[1]!))).toBe(true)
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> }
    expect(pkg.bin.quantrac).toBe(args[1])
    for (const name of quantracServices) expect(services[name]?.command?.[1], name).toBe(args[1])
  })

  it('leaves secrets, dependencies and git history out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
    for (const entry of ['.env', 'node_modules', '.git', 'data']) expect(ignored, entry).toContain(entry)
    for (const needed of ['bin', 'core', 'api', 'broker', 'ingest', 'store', 'registry', 'simulators']) {
      expect(ignored, needed).not.toContain(needed)
    }
  })
})
