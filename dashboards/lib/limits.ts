import type { FieldConfigSource } from '@grafana/schema'
import { FACTOR_IDS, FACTORS, type FactorId } from '../../core/factors.ts'
import { limitsFor, type ProfileId } from '../../core/limits/index.ts'
import { type Step, thresholds } from './grafana.ts'

/**
 * Limits are not stored in InfluxDB, so the dashboards draw them as panel thresholds, taken from the
 * default limit profile when the JSON is generated. A facility on another profile, variant or override
 * sees QCVN's lines; the alerts (written by ingest with the limit that applied) are the authority.
 */
export const DASHBOARD_PROFILE: ProfileId = 'qcvn'

/** Grafana unit ids for the canonical units of core/factors.ts; `suffix:` where Grafana has none. */
const GRAFANA_UNITS: Record<string, string> = {
  dBA: 'suffix: dBA',
  'mg/m³': 'conmgm3',
  ppm: 'ppm',
  '%vol': 'suffix: %vol',
  '%LEL': 'suffix: %LEL',
  '°C': 'celsius',
  '%RH': 'humidity',
}

export function grafanaUnit(factor: FactorId): string {
  const unit: string = FACTORS[factor].unit
  return GRAFANA_UNITS[unit] ?? `suffix: ${unit}`
}

/** Three significant decimals: enough for 0.517 ppm of chlorine, short enough to read in the JSON. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

/**
 * Threshold steps for one factor: green when within limits, orange from the 8-h TWA, red from the STEL or
 * ceiling, purple from IDLH; below a floor, blue for microclimate (too cold or dry) and red otherwise
 * (oxygen deficiency). Undefined when the profile sets no limit for the factor.
 */
export function limitSteps(factor: FactorId, profile: ProfileId = DASHBOARD_PROFILE): Step[] | undefined {
  const limits = limitsFor(profile, factor)
  if (limits === undefined) return undefined
  const marks: Step[] = []
  if (limits.floor !== undefined) marks.push({ value: round(limits.floor.value), color: 'green' })
  if (limits.twa !== undefined) marks.push({ value: round(limits.twa.value), color: 'orange' })
  if (limits.stel !== undefined) marks.push({ value: round(limits.stel.value), color: 'red' })
  if (limits.ceiling !== undefined) marks.push({ value: round(limits.ceiling.value), color: 'red' })
  if (limits.idlh !== undefined) marks.push({ value: round(limits.idlh.value), color: 'purple' })
  if (marks.length === 0) return undefined
  marks.sort((a, b) => (a.value ?? 0) - (b.value ?? 0))
  const below = limits.floor === undefined ? 'green' : factor === 'gas.o2' ? 'red' : 'blue'
  const steps: Step[] = [{ value: null, color: below }]
  for (const mark of marks) {
    const last = steps[steps.length - 1]
    // Two limits at one value (a ceiling equal to the STEL) draw one line, in the graver colour.
    if (last !== undefined && last.value === mark.value) last.color = mark.color
    else steps.push(mark)
  }
  return steps
}

/** Escapes a factor id for a field-name regex: `gas.co` must not match `gasXco`. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Field overrides that give each factor's series its unit and limit lines. They match series whose
 * display name is the factor id, or starts with it followed by ` · ` (the aliases the dashboards use:
 * `$tag_factor`, `$tag_factor · $col`, `$tag_factor · $tag_facility/$tag_sensor`).
 */
export function factorOverrides(options: { drawLines: boolean }): FieldConfigSource['overrides'] {
  return FACTOR_IDS.map((factor) => {
    const properties: { id: string; value?: unknown }[] = [{ id: 'unit', value: grafanaUnit(factor) }]
    const steps = limitSteps(factor)
    if (steps !== undefined) {
      properties.push({ id: 'thresholds', value: thresholds(...steps) })
      if (options.drawLines) properties.push({ id: 'custom.thresholdsStyle', value: { mode: 'dashed' } })
    }
    return { matcher: { id: 'byRegexp', options: `^${escapeRegex(factor)}( · .*)?$` }, properties }
  })
}

/** One limit of the dashboard profile in the factor's canonical unit, rounded as the thresholds are. */
export function limitValue(factor: FactorId, kind: 'twa' | 'stel' | 'ceiling' | 'floor' | 'idlh'): number {
  const threshold = limitsFor(DASHBOARD_PROFILE, factor)?.[kind]
  if (threshold === undefined) throw new Error(`${DASHBOARD_PROFILE} sets no ${kind} limit for ${factor}`)
  return round(threshold.value)
}
