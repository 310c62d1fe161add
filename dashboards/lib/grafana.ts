import {
  type AnnotationQuery,
  type Dashboard,
  DashboardCursorSync,
  type DataSourceRef,
  defaultDashboard,
  type FieldConfigSource,
  type Panel,
  type RowPanel,
  ThresholdsMode,
  type VariableModel,
  VariableRefresh,
  VariableSort,
} from '@grafana/schema'

/**
 * Small builders for the provisioned dashboards. The JSON files in grafana/dashboards/ are their output
 * (`node dashboards/build.ts`); a unit test fails when the files and these definitions drift apart.
 */

/** Pinned in datasources/quantrac.yaml; every panel, query, variable and annotation names it. */
export const DATASOURCE_UID = 'quantrac-influxdb'
export const DATASOURCE: DataSourceRef = { type: 'influxdb', uid: DATASOURCE_UID }

/**
 * The tag filter every panel applies. Variables are multi-value, so they are only ever used in the regex
 * form: Grafana then escapes each value and joins several as `(a|b)`; "All" becomes `.*` (allValue).
 */
export function tagFilter(...tags: ReadonlyArray<'facility' | 'sensor' | 'factor'>): string {
  return tags.map((tag) => `"${tag}" =~ /^$${tag}$/`).join(' AND ')
}

export const ALL_TAGS = tagFilter('facility', 'sensor', 'factor')

export interface VariableChoice {
  multi: boolean
  includeAll: boolean
}

function tagValuesVariable(
  name: string,
  label: string,
  query: string,
  choice: VariableChoice,
  description: string,
): VariableModel {
  return {
    type: 'query',
    name,
    label,
    description,
    datasource: DATASOURCE,
    query,
    definition: query,
    refresh: VariableRefresh.onDashboardLoad,
    sort: VariableSort.naturalAsc,
    regex: '',
    multi: choice.multi,
    includeAll: choice.includeAll,
    ...(choice.includeAll ? { allValue: '.*' } : {}),
    options: [],
  } as VariableModel
}

/** The facility, sensor and factor variables, each narrowed by the ones before it. */
export function tagVariables(choices: {
  facility: VariableChoice
  sensor: VariableChoice
  factor: VariableChoice
}): VariableModel[] {
  return [
    tagValuesVariable(
      'facility',
      'Facility',
      'SHOW TAG VALUES FROM "reading" WITH KEY = "facility"',
      choices.facility,
      'Facilities that have written readings.',
    ),
    tagValuesVariable(
      'sensor',
      'Sensor',
      `SHOW TAG VALUES FROM "reading" WITH KEY = "sensor" WHERE ${tagFilter('facility')}`,
      choices.sensor,
      'Sensors of the selected facilities.',
    ),
    tagValuesVariable(
      'factor',
      'Factor',
      `SHOW TAG VALUES FROM "reading" WITH KEY = "factor" WHERE ${tagFilter('facility', 'sensor')}`,
      choices.factor,
      'Hazardous factors (core/factors.ts) the selected sensors measure.',
    ),
  ]
}

export interface InfluxQuery {
  query: string
  /** Series name; `$tag_<key>` and `$col` are expanded by Grafana per series and column. */
  alias?: string
  format?: 'time_series' | 'table'
}

/** A raw InfluxQL target, the shape Grafana's query editor saves in "raw" mode. */
export function target(refId: string, query: InfluxQuery): Record<string, unknown> {
  return {
    refId,
    datasource: DATASOURCE,
    rawQuery: true,
    query: query.query,
    resultFormat: query.format ?? 'time_series',
    ...(query.alias === undefined ? {} : { alias: query.alias }),
  }
}

/** Alert events as annotations on time series panels: one marker where an alert opened. */
export function alertAnnotation(): AnnotationQuery {
  return {
    name: 'Alerts opened',
    datasource: DATASOURCE,
    enable: true,
    iconColor: 'red',
    target: {
      refId: 'Anno',
      rawQuery: true,
      fromAnnotations: true,
      textEditor: true,
      query: `SELECT "message", "kind", "level", "sensor" FROM "alert" WHERE ${ALL_TAGS} AND "event" =~ /^(opened|escalated)$/ AND $timeFilter`,
      textColumn: 'message',
      tagsColumn: 'kind,level,sensor',
    },
  } as unknown as AnnotationQuery
}

export interface Step {
  value: number | null
  color: string
}

export function thresholds(...steps: Step[]) {
  return { mode: ThresholdsMode.Absolute, steps }
}

export type GridPos = { x: number; y: number; w: number; h: number }

export interface PanelSpec {
  title: string
  description?: string
  gridPos: GridPos
  queries: InfluxQuery[]
  fieldConfig?: Partial<FieldConfigSource>
  options?: Record<string, unknown>
  /** Minimum interval for `$__interval`, e.g. '1m' for the once-a-minute exposure points. */
  interval?: string
  repeat?: string
  maxPerRow?: number
  transformations?: Panel['transformations']
}

/** Numbers panels in order, so ids are unique and stable within a dashboard. */
export class PanelIds {
  #next = 1
  next(): number {
    return this.#next++
  }
}

export function panel(ids: PanelIds, type: string, spec: PanelSpec): Panel {
  const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  const result: Panel = {
    id: ids.next(),
    type,
    title: spec.title,
    datasource: DATASOURCE,
    gridPos: spec.gridPos,
    targets: spec.queries.map((query, index) => target(refIds[index] ?? `Q${index}`, query)),
    fieldConfig: { defaults: {}, overrides: [], ...spec.fieldConfig },
    options: spec.options ?? {},
  }
  if (spec.description !== undefined) result.description = spec.description
  if (spec.interval !== undefined) result.interval = spec.interval
  if (spec.repeat !== undefined) {
    result.repeat = spec.repeat
    result.repeatDirection = 'h'
    if (spec.maxPerRow !== undefined) result.maxPerRow = spec.maxPerRow
  }
  if (spec.transformations !== undefined) result.transformations = spec.transformations
  return result
}

export function row(ids: PanelIds, title: string, y: number, repeat?: string): RowPanel {
  return {
    id: ids.next(),
    type: 'row',
    title,
    collapsed: false,
    gridPos: { x: 0, y, w: 24, h: 1 },
    panels: [],
    ...(repeat === undefined ? {} : { repeat }),
  }
}

export const legendBottom = { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] }
export const tooltipAll = { mode: 'multi', sort: 'desc' }

export function timeSeriesOptions(): Record<string, unknown> {
  return { legend: legendBottom, tooltip: tooltipAll }
}

export function statOptions(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    reduceOptions: { values: false, calcs: ['lastNotNull'], fields: '' },
    orientation: 'auto',
    textMode: 'auto',
    colorMode: 'background',
    graphMode: 'none',
    justifyMode: 'auto',
    wideLayout: true,
    showPercentChange: false,
    ...overrides,
  }
}

export interface DashboardSpec {
  uid: string
  title: string
  description: string
  tags: string[]
  panels: Array<Panel | RowPanel>
  variables: VariableModel[]
  /** Default time range, e.g. `now-6h`. */
  from: string
  refresh: string
}

/**
 * A provisioned dashboard: fixed uid, no `id` (Grafana assigns it), not editable in the UI (git holds the
 * truth), schemaVersion of the @grafana/schema release in package.json, so Grafana runs no migration.
 */
export function dashboard(spec: DashboardSpec): Dashboard {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['quantrac', ...spec.tags],
    editable: false,
    graphTooltip: DashboardCursorSync.Crosshair,
    timezone: 'browser',
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: spec.refresh,
    schemaVersion: defaultDashboard.schemaVersion,
    time: { from: spec.from, to: 'now' },
    timepicker: {},
    links: [
      {
        title: 'quantrac',
        type: 'dashboards',
        tags: ['quantrac'],
        asDropdown: true,
        icon: 'external link',
        includeVars: true,
        keepTime: true,
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    annotations: { list: [alertAnnotation()] },
    templating: { list: spec.variables },
    panels: spec.panels,
  }
}
