import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/schema'

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..')
export const DASHBOARDS_DIR = join(REPO_ROOT, 'dashboards', 'grafana', 'dashboards')
export const PROVISIONING_DIR = join(REPO_ROOT, 'dashboards', 'grafana', 'provisioning')

export interface DashboardFile {
  file: string
  json: Dashboard
}

/** Every dashboard JSON as Grafana reads it from the provisioned folder. */
export function loadDashboards(): DashboardFile[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      json: JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard,
    }))
}

/** Panels in order, with those nested in collapsed rows, and the rows themselves. */
export function allPanels(dashboard: Dashboard): Array<Panel | RowPanel> {
  const result: Array<Panel | RowPanel> = []
  for (const panel of dashboard.panels ?? []) {
    result.push(panel)
    if (panel.type === 'row') result.push(...((panel as RowPanel).panels ?? []))
  }
  return result
}

export function isRow(panel: Panel | RowPanel): panel is RowPanel {
  return panel.type === 'row'
}

export function variables(dashboard: Dashboard): VariableModel[] {
  return dashboard.templating?.list ?? []
}

export interface ExtractedQuery {
  /** Where the query lives, for test names: `panel "Sensors reporting" A`, `variable sensor`. */
  where: string
  kind: 'panel' | 'variable' | 'annotation'
  query: string
  datasourceUid: string | undefined
  /** The panel's minimum interval, which bounds `$__interval`. */
  interval?: string
}

function uidOf(datasource: unknown): string | undefined {
  if (typeof datasource !== 'object' || datasource === null) return undefined
  const uid = (datasource as { uid?: unknown }).uid
  return typeof uid === 'string' ? uid : undefined
}

/** Every InfluxQL text a dashboard sends: panel targets, variable queries and annotation queries. */
export function extractQueries(dashboard: Dashboard): ExtractedQuery[] {
  const result: ExtractedQuery[] = []
  for (const panel of allPanels(dashboard)) {
    if (isRow(panel)) continue
    for (const target of panel.targets ?? []) {
      const query = target.query
      if (typeof query !== 'string') continue
      result.push({
        where: `panel "${panel.title}" ${String(target.refId)}`,
        kind: 'panel',
        query,
        datasourceUid: uidOf(target.datasource) ?? uidOf(panel.datasource),
        ...(panel.interval === undefined ? {} : { interval: panel.interval }),
      })
    }
  }
  for (const variable of variables(dashboard)) {
    if (variable.type !== 'query') continue
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query
    if (typeof query !== 'string') continue
    result.push({
      where: `variable ${variable.name}`,
      kind: 'variable',
      query,
      datasourceUid: uidOf(variable.datasource),
    })
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    const query = (annotation.target as { query?: unknown } | undefined)?.query
    if (typeof query !== 'string') continue
    result.push({
      where: `annotation "${annotation.name}"`,
      kind: 'annotation',
      query,
      datasourceUid: uidOf(annotation.datasource),
    })
  }
  return result
}

/**
 * Grafana's own variables and the InfluxQL macros of its InfluxDB data source: never defined in a
 * dashboard's templating list.
 */
export const BUILT_IN_VARIABLES = new Set([
  'timeFilter',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__from',
  '__to',
  '__rate_interval',
  '__dashboard',
  '__org',
  '__user',
  'interval',
])

/** Names referenced as `$name`, `${name}`, `${name:format}` or `[[name]]`. */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>()
  for (const match of text.matchAll(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g)) {
    const name = match[1] ?? match[2] ?? match[3]
    if (name !== undefined) names.add(name)
  }
  return [...names]
}

export interface Interpolation {
  /** Epoch ms. */
  from: number
  to: number
  /** What `$__interval` stands for when the panel sets no minimum. */
  interval: string
  /** Values selected per variable; `'all'` is the All option, which these dashboards map to `.*`. */
  values: Record<string, readonly string[] | 'all'>
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$*+?.()|[\]{}/-]/g, '\\$&')
}

/**
 * Substitutes a query the way Grafana's InfluxDB data source does before sending it: `$timeFilter` becomes
 * an epoch-ms range, `$__interval` the interval, and each variable its regex-escaped value(s), several
 * joined as `(a|b)`, All as its allValue. Throws on a variable it has no value for.
 */
export function interpolate(query: ExtractedQuery, settings: Interpolation): string {
  const interval = query.interval ?? settings.interval
  return query.query
    .replaceAll('$timeFilter', `time >= ${settings.from}ms and time <= ${settings.to}ms`)
    .replaceAll('$__interval', interval)
    .replace(/\$(\w+)/g, (_, name: string) => {
      const value = settings.values[name]
      if (value === undefined) throw new Error(`no value for $${name} in ${query.where}`)
      if (value === 'all') return '.*'
      const escaped = value.map(escapeRegex)
      return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`
    })
}
