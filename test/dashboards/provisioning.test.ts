import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { DATASOURCE_UID } from '../../dashboards/lib/grafana.ts'
import { PROVISIONING_DIR } from './support/dashboards.ts'

function readYaml(...path: string[]): Record<string, unknown> {
  return parse(readFileSync(join(PROVISIONING_DIR, ...path), 'utf8')) as Record<string, unknown>
}

/** How Grafana's provisioning files name an environment variable. */
const ref = (name: string) => `\${${name}}`

interface DatasourceFile {
  apiVersion: number
  datasources: Array<{
    name: string
    uid: string
    type: string
    access: string
    url: string
    jsonData: Record<string, unknown>
    secureJsonData: Record<string, unknown>
  }>
}

interface ProviderFile {
  apiVersion: number
  providers: Array<{ name: string; type: string; allowUiUpdates: boolean; options: { path: string } }>
}

describe('Grafana provisioning', () => {
  it('holds one data source file and one dashboard provider file, all YAML that parses', () => {
    expect(readdirSync(join(PROVISIONING_DIR, 'datasources'))).toEqual(['quantrac.yaml'])
    expect(readdirSync(join(PROVISIONING_DIR, 'dashboards'))).toEqual(['quantrac.yaml'])
    expect(readYaml('datasources', 'quantrac.yaml').apiVersion).toBe(1)
    expect(readYaml('dashboards', 'quantrac.yaml').apiVersion).toBe(1)
  })

  describe('the data source', () => {
    const file = readYaml('datasources', 'quantrac.yaml') as unknown as DatasourceFile
    const [source] = file.datasources

    it('is InfluxDB queried in InfluxQL, under the uid the dashboards pin', () => {
      expect(file.datasources).toHaveLength(1)
      expect(source?.uid).toBe(DATASOURCE_UID)
      expect(source?.type).toBe('influxdb')
      expect(source?.access).toBe('proxy')
      expect(source?.jsonData.version).toBe('InfluxQL')
    })

    it('takes url, database and token from the environment, never a literal secret', () => {
      expect(source?.url).toBe(ref('INFLUX_URL'))
      expect(source?.jsonData.dbName).toBe(ref('INFLUX_DATABASE'))
      // InfluxDB 2.x's v1-compatible /query authenticates with this header; 1.x without auth ignores it.
      expect(source?.jsonData.httpHeaderName1).toBe('Authorization')
      expect(source?.secureJsonData.httpHeaderValue1).toBe(`Token ${ref('INFLUX_TOKEN')}`)
      for (const value of Object.values(source?.secureJsonData ?? {}))
        expect(String(value)).toMatch(/\$\{\w+\}/)
    })
  })

  describe('the dashboard provider', () => {
    const file = readYaml('dashboards', 'quantrac.yaml') as unknown as ProviderFile
    const [provider] = file.providers

    it('loads files, and lets no UI change override git', () => {
      expect(file.providers).toHaveLength(1)
      expect(provider?.type).toBe('file')
      expect(provider?.allowUiUpdates).toBe(false)
      expect(provider?.options.path).toMatch(/^\/[\w/.-]+$/)
    })
  })
})
