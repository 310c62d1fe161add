import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Dashboard, defaultDashboard, type Panel, type RowPanel } from '@grafana/schema'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { limitsFor } from '../../core/limits/index.ts'
import { dashboards as definitions } from '../../dashboards/definitions/index.ts'
import alertsJson from '../../dashboards/grafana/dashboards/alerts-timeline.json' with { type: 'json' }
import overviewJson from '../../dashboards/grafana/dashboards/facility-overview.json' with { type: 'json' }
import coverageJson from '../../dashboards/grafana/dashboards/regulator-coverage.json' with { type: 'json' }
import detailJson from '../../dashboards/grafana/dashboards/sensor-detail.json' with { type: 'json' }
import { DATASOURCE_UID } from '../../dashboards/lib/grafana.ts'
import {
  allPanels,
  BUILT_IN_VARIABLES,
  extractQueries,
  isRow,
  loadDashboards,
  PROVISIONING_DIR,
  referencedVariables,
  variables,
} from './support/dashboards.ts'

/**
 * What a dashboard type looks like once written as JSON and read back by TypeScript: enums and literal
 * unions widen to string and number. The JSON files must satisfy @grafana/schema's Dashboard in that form.
 */
type AsJson<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? AsJson<U>[]
        : T extends object
          ? { [K in keyof T]: AsJson<T[K]> }
          : T

// Compile-time check (tsc runs over the tests): a missing required field or a wrong type fails the build.
const typed = [overviewJson, detailJson, alertsJson, coverageJson] satisfies AsJson<Dashboard>[]

const files = loadDashboards()

const provisionedUid = (
  parse(readFileSync(join(PROVISIONING_DIR, 'datasources', 'quantrac.yaml'), 'utf8')) as {
    datasources: { uid: string }[]
  }
).datasources[0]?.uid

describe('dashboard JSON files', () => {
  it('are the four the definitions produce, and type-check against @grafana/schema', () => {
    expect(files.map((f) => f.file)).toEqual(Object.keys(definitions()).sort())
    expect(typed).toHaveLength(files.length)
  })

  it('are up to date with dashboards/definitions (run `node dashboards/build.ts` after a change)', () => {
    const expected = definitions()
    for (const { file, json } of files) expect(json, file).toEqual(JSON.parse(JSON.stringify(expected[file])))
  })

  it('have fixed, unique uids and no id', () => {
    const uids = files.map((f) => f.json.uid)
    for (const { file, json } of files) {
      expect(json.uid, file).toMatch(/^quantrac-[a-z-]+$/)
      expect(json.uid!.length, `${file}: Grafana allows 40 characters`).toBeLessThanOrEqual(40)
      expect(json, file).not.toHaveProperty('id')
      expect(json.title, file).toMatch(/^quantrac · /)
    }
    expect(new Set(uids).size).toBe(uids.length)
  })

  it('use the schemaVersion of the @grafana/schema release in package.json, so Grafana migrates nothing', () => {
    for (const { file, json } of files) expect(json.schemaVersion, file).toBe(defaultDashboard.schemaVersion)
  })

  it('are read-only in the UI, since git holds the truth', () => {
    for (const { file, json } of files) expect(json.editable, file).toBe(false)
  })
})

describe.each(files)('$file', ({ json }) => {
  const panels = allPanels(json)

  it('has unique panel ids', () => {
    const ids = panels.map((p) => p.id)
    expect(ids.every((id) => typeof id === 'number')).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('pins every panel, query, variable and annotation to the provisioned data source', () => {
    expect(provisionedUid).toBe(DATASOURCE_UID)
    for (const panel of panels) {
      if (isRow(panel)) continue
      expect(panel.datasource?.uid, panel.title).toBe(provisionedUid)
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0)
    }
    for (const query of extractQueries(json)) expect(query.datasourceUid, query.where).toBe(provisionedUid)
  })

  it('gives every target of a panel its own refId', () => {
    for (const panel of panels) {
      if (isRow(panel)) continue
      const refIds = (panel.targets ?? []).map((t) => t.refId)
      expect(new Set(refIds).size, panel.title).toBe(refIds.length)
    }
  })

  it('lays panels out within the 24-column grid', () => {
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos!
      expect(x + w, panel.title).toBeLessThanOrEqual(24)
      expect(Math.min(x, y, w, h), panel.title).toBeGreaterThanOrEqual(0)
    }
  })

  it('defines the facility, sensor and factor variables as SHOW TAG VALUES queries', () => {
    const list = variables(json)
    expect(list.map((v) => v.name)).toEqual(['facility', 'sensor', 'factor'])
    for (const variable of list) {
      expect(variable.type).toBe('query')
      expect(variable.query).toMatch(
        new RegExp(`^SHOW TAG VALUES FROM "reading" WITH KEY = "${variable.name}"`),
      )
      expect(variable).not.toHaveProperty('current')
      if (variable.includeAll) expect(variable.allValue).toBe('.*')
    }
  })

  it('references only variables it defines, and those only in the regex form /^$name$/', () => {
    const defined = new Set(variables(json).map((v) => v.name))
    for (const query of extractQueries(json)) {
      for (const name of referencedVariables(query.query)) {
        if (BUILT_IN_VARIABLES.has(name)) continue
        expect(defined.has(name), `${query.where} uses $${name}`).toBe(true)
        // Multi-value variables expand to (a|b): anywhere but inside a regex that is a syntax error.
        const uses = query.query.split(`$${name}`).length - 1
        const regexUses = query.query.split(`/^$${name}$/`).length - 1
        expect(regexUses, `${query.where}: $${name} outside /^$${name}$/`).toBe(uses)
      }
      expect(query.query, query.where).toContain(
        query.kind === 'variable' ? 'SHOW TAG VALUES' : '$timeFilter',
      )
    }
    for (const panel of panels) {
      for (const name of referencedVariables(panel.title ?? ''))
        expect(defined.has(name), panel.title).toBe(true)
      const repeat = (panel as Panel | RowPanel).repeat
      if (repeat !== undefined) expect(defined.has(repeat), `${panel.title} repeats by ${repeat}`).toBe(true)
    }
  })
})

describe('limit lines', () => {
  const detail = files.find((f) => f.json.uid === 'quantrac-sensor-detail')!.json as Dashboard
  const readings = allPanels(detail).find((p) => p.title === '$factor readings') as Panel

  function stepsFor(factor: string): Array<{ value: number | null; color: string }> {
    const override = readings.fieldConfig?.overrides.find((o) =>
      new RegExp(String(o.matcher.options)).test(factor),
    )
    const property = override?.properties.find((p) => p.id === 'thresholds')
    expect(property, `no thresholds for ${factor}`).toBeDefined()
    return (property!.value as { steps: Array<{ value: number | null; color: string }> }).steps
  }

  it('draw QCVN noise at 85 dBA (8-h TWA) and 115 dBA (maximum)', () => {
    expect(stepsFor('noise').map((s) => s.value)).toEqual([null, 85, 115])
  })

  it('draw CO in ppm, converted from QCVN 03 mg/m³: TWA 20 → 17.5 ppm, STEL 40 → 34.9 ppm', () => {
    const [, twa, stel] = stepsFor('gas.co')
    expect(twa?.value).toBeCloseTo(17.46, 1)
    expect(stel?.value).toBeCloseTo(34.92, 1)
    expect(stel?.value).toBeCloseTo(limitsFor('qcvn', 'gas.co')!.stel!.value, 2)
  })

  it('match factor ids exactly, not as regex patterns (gas.co is not gasXco)', () => {
    const override = readings.fieldConfig?.overrides.find((o) => String(o.matcher.options).includes('gas'))
    const pattern = new RegExp(String(override?.matcher.options))
    expect(pattern.test('gas.co · mean')).toBe(true)
    expect(pattern.test('gasXco · mean')).toBe(false)
    expect(pattern.test('gas.co2 · mean')).toBe(false)
  })
})
