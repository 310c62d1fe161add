import type { AlertEvent } from '../../core/alert-lifecycle.ts'
import type { ExposurePoint, Reading } from '../../core/contract.ts'
import type { FigureId } from '../../core/exposure/verdicts.ts'
import { alertEventPeople } from '../alert-events.ts'

// Escaping rules of InfluxDB line protocol. Ids are already restricted to [A-Za-z0-9_.-] by the wire
// contract, so the regex test is almost always false and the fast path allocates nothing extra.
const TAG_SPECIAL = /[,= \n]/
const TAG_SPECIAL_GLOBAL = /([,= ])|\n/g

export function escapeTag(value: string): string {
  return TAG_SPECIAL.test(value)
    ? value.replace(TAG_SPECIAL_GLOBAL, (_match, c) => (c ? `\\${c}` : '\\n'))
    : value
}

export function escapeFieldString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\n')}"`
}

/** `reading,facility=…,factor=…,sensor=… value=87.5 1763884800000` (tags sorted by key, as InfluxDB prefers). */
export function readingLine(reading: Reading): string {
  return `reading,facility=${escapeTag(reading.facilityId)},factor=${escapeTag(reading.factor)},sensor=${escapeTag(
    reading.sensorId,
  )} value=${reading.value} ${reading.time}`
}

/**
 * `alert,event=acknowledged,facility=…,…,state=acknowledged id="…",value=…,…,actor="…" 1763884800000`: one
 * alert event, at the time it happened. `reason` (a tag) only on resolutions; `actor`, `actor_key`, `note`
 * and `recipients` only where the event has them.
 */
export function alertLine(event: AlertEvent): string {
  const alert = event.alert
  const reason = event.reason === undefined ? '' : `,reason=${event.reason}`
  const people = alertEventPeople(event)
  // Fields in name order, as the InfluxDB client writes them.
  let fields = ''
  if (people.actor !== undefined) fields += `actor=${escapeFieldString(people.actor)},`
  if (people.actorKey !== undefined) fields += `actor_key=${escapeFieldString(people.actorKey)},`
  fields += `id=${escapeFieldString(alert.id)},limit=${alert.limit},message=${escapeFieldString(alert.message)}`
  if (event.note !== undefined) fields += `,note=${escapeFieldString(event.note)}`
  if (people.recipients !== undefined) fields += `,recipients=${escapeFieldString(people.recipients)}`
  fields += `,value=${alert.value}`
  return (
    `alert,event=${event.type},facility=${escapeTag(alert.facilityId)},factor=${escapeTag(alert.factor)}` +
    `,kind=${alert.kind},level=${alert.level}${reason},sensor=${escapeTag(alert.sensorId)},state=${alert.state}` +
    ` ${fields} ${event.at}`
  )
}

/** The exposure fields, in the order written; undefined figures (no STEL yet, no dose for gases) are left out. */
export const EXPOSURE_FIELDS = [
  ['coverage', 'coverage'],
  ['stel', 'stel'],
  ['twa', 'twa'],
  ['twaProjected', 'twa_projected'],
  ['dose', 'dose'],
  ['doseProjected', 'dose_projected'],
  ['lex8h', 'lex8h'],
  ['hourMean', 'hour_mean'],
] as const satisfies readonly (readonly [keyof ExposurePoint, string])[]

/** The field of each figure's verdict (`twa_verdict="exceeds"`), for dashboards to filter and colour by. */
export const VERDICT_FIELDS = {
  twa: 'twa_verdict',
  projectedTwa: 'twa_projected_verdict',
  dose: 'dose_verdict',
  projectedDose: 'dose_projected_verdict',
  lex8h: 'lex8h_verdict',
  stel: 'stel_verdict',
  ceiling: 'ceiling_verdict',
  floor: 'floor_verdict',
  hourMean: 'hour_mean_verdict',
} as const satisfies Record<FigureId, string>

/**
 * `exposure,facility=…,factor=…,sensor=… shift_start=…i,coverage=…,twa=…,…,basis="{…}",verdicts="{…}",
 * twa_verdict="insufficient-data" 1763884800000`: the figures, their basis and verdicts as JSON (read back
 * whole), and each verdict on its own as well.
 */
export function exposureLine(point: ExposurePoint): string {
  let fields = `shift_start=${point.shiftStart}i`
  for (const [property, field] of EXPOSURE_FIELDS) {
    const value = point[property]
    if (value !== undefined && Number.isFinite(value)) fields += `,${field}=${value}`
  }
  if (point.basis !== undefined) fields += `,basis=${escapeFieldString(JSON.stringify(point.basis))}`
  if (point.verdicts !== undefined) {
    fields += `,verdicts=${escapeFieldString(JSON.stringify(point.verdicts))}`
    for (const [figure, judged] of Object.entries(point.verdicts)) {
      fields += `,${VERDICT_FIELDS[figure as FigureId]}="${judged.verdict}"`
    }
  }
  return `exposure,facility=${escapeTag(point.facilityId)},factor=${escapeTag(point.factor)},sensor=${escapeTag(
    point.sensorId,
  )} ${fields} ${point.time}`
}
