import { beforeAll, describe, expect, inject, it } from 'vitest'
import { alertLine, exposureLine, readingLine } from '../../../store/influx/line-protocol.ts'
import {
  type ExtractedQuery,
  extractQueries,
  type Interpolation,
  interpolate,
  loadDashboards,
} from '../../dashboards/support/dashboards.ts'
import { alertHistory, FACILITIES, generateLoad, STORE_FACILITY, storeObjects } from './support/load.ts'

const influxUrl = inject('influxUrl')
const DATABASE = 'quantrac'
/** What Grafana sends with the provisioned data source; InfluxDB 1.x without auth ignores it. */
const AUTHORIZATION = 'Token quantrac-test-token'

interface QueryResponse {
  results?: Array<{
    error?: string
    series?: Array<{ name: string; columns: string[]; values?: unknown[][] }>
  }>
  error?: string
}

async function influxql(query: string, method: 'GET' | 'POST' = 'GET'): Promise<QueryResponse> {
  const params = new URLSearchParams({ db: DATABASE, q: query, epoch: 'ms' })
  const response =
    method === 'GET'
      ? await fetch(`${influxUrl}/query?${params}`, { headers: { Authorization: AUTHORIZATION } })
      : await fetch(`${influxUrl}/query`, {
          method: 'POST',
          headers: { Authorization: AUTHORIZATION, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: params,
        })
  const body = (await response.json()) as QueryResponse
  if (!response.ok) throw new Error(`${response.status} for ${query}: ${JSON.stringify(body)}`)
  return body
}

/** Series returned, after failing on any error InfluxDB reports for the statement. */
function seriesOf(body: QueryResponse, query: string) {
  expect(body.error, query).toBeUndefined()
  const result = body.results?.[0]
  expect(result?.error, query).toBeUndefined()
  return result?.series ?? []
}

/** True when at least one row holds a value besides its time: a series of nulls draws nothing. */
function hasValues(series: ReturnType<typeof seriesOf>): boolean {
  return series.some((s) => (s.values ?? []).some((row) => row.slice(1).some((cell) => cell !== null)))
}

const dashboards = loadDashboards()

describe.skipIf(influxUrl === null)(
  `dashboard queries against InfluxDB${influxUrl === null ? ' (skipped: influxd not installed)' : ''}`,
  () => {
    const now = Math.floor(Date.now() / 60_000) * 60_000
    const load = generateLoad({ now, minutes: 60, readingEveryMs: 30_000 })

    /**
     * The selections a user makes: everything (All), one facility / sensor / factor, and several at once. The
     * single selections are sensors given every kind of alert and exposure point.
     */
    const selections: Record<string, Interpolation['values']> = {
      all: { facility: 'all', sensor: 'all', factor: 'all' },
      one: { facility: ['hanoi-textile'], sensor: ['noise-01'], factor: ['noise'] },
      /** Written by the store's own line protocol (store/influx/line-protocol.ts), not by the generator. */
      store: { facility: [STORE_FACILITY], sensor: ['noise-01'], factor: ['noise'] },
      several: {
        facility: ['hanoi-textile', 'haiphong-steel'],
        sensor: ['noise-01', 'gas-01'],
        factor: ['noise', 'gas.co'],
      },
    }

    beforeAll(async () => {
      const create = await influxql(`CREATE DATABASE "${DATABASE}"`, 'POST')
      expect(create.results?.[0]?.error).toBeUndefined()
      const store = storeObjects({ now, minutes: 60 })
      const lines = [
        ...load.lines,
        ...store.readings.map(readingLine),
        ...store.exposure.map(exposureLine),
        ...(await alertHistory({ now, minutes: 60 })).map(alertLine),
      ]
      const response = await fetch(`${influxUrl}/write?db=${DATABASE}&precision=ms`, {
        method: 'POST',
        headers: { Authorization: AUTHORIZATION },
        body: lines.join('\n'),
      })
      expect(response.status, await response.text()).toBe(204)
    })

    async function expectData(query: ExtractedQuery, selection: string) {
      const values = selections[selection]!
      const text = interpolate(query, { from: load.from - 60_000, to: now + 60_000, interval: '1m', values })
      for (const method of ['GET', 'POST'] as const) {
        const series = seriesOf(await influxql(text, method), text)
        expect(series.length, `${method} ${selection}: no series for ${text}`).toBeGreaterThan(0)
        expect(hasValues(series), `${method} ${selection}: only nulls for ${text}`).toBe(true)
      }
    }

    for (const { file, json } of dashboards) {
      describe(`${json.title} (${file})`, () => {
        for (const query of extractQueries(json)) {
          it(`${query.where} returns data for every selection`, async () => {
            for (const selection of Object.keys(selections)) await expectData(query, selection)
          })
        }
      })
    }

    it('the variables offer the facilities, sensors and factors written', async () => {
      const facility = dashboards[0]!.json.templating?.list?.find((v) => v.name === 'facility')
      expect(facility).toBeDefined()
      const query = extractQueries(dashboards[0]!.json).find((q) => q.where === 'variable facility')!
      const text = interpolate(query, { from: load.from, to: now, interval: '1m', values: selections.all! })
      const [series] = seriesOf(await influxql(text), text)
      expect(series?.values?.map((row) => row[1]).sort()).toEqual([...FACILITIES, STORE_FACILITY].sort())
    })
  },
)
