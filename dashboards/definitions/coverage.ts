import type { Dashboard } from '@grafana/schema'
import {
  ALL_TAGS,
  dashboard,
  PanelIds,
  panel,
  statOptions,
  tagVariables,
  thresholds,
  timeSeriesOptions,
} from '../lib/grafana.ts'

const all = { multi: true, includeAll: true }

/**
 * Days in Vietnam's time (UTC+7, no daylight saving): the offset moves InfluxDB's UTC day buckets to local
 * midnight without needing a time-zone database on the server, as `tz()` would.
 */
const DAY = 'time(1d, -7h)'

const perDay = { drawStyle: 'bars', fillOpacity: 70, lineWidth: 1 }

function distinctPerDay(tags: string): string {
  return `SELECT count("last") FROM (SELECT last("value") FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY ${DAY}, ${tags}) WHERE $timeFilter GROUP BY ${DAY} fill(0)`
}

/** Distinct values of `tags` with at least one reading in the range, optionally counted per `perTag`. */
function distinctCount(column: string, tags: string, perTag?: string): string {
  const inner = `SELECT last("value") FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY ${tags}`
  return `SELECT count("last") AS "${column}" FROM (${inner})${perTag === undefined ? '' : ` GROUP BY "${perTag}"`}`
}

export function coverage(): Dashboard {
  const ids = new PanelIds()
  return dashboard({
    uid: 'quantrac-coverage',
    title: 'quantrac · Regulator coverage',
    description:
      'Which facilities and sensors report, day by day. Readings carry facility, sensor and factor tags only: a breakdown by province or sector needs those tags (or a facility id convention) first.',
    tags: ['regulator'],
    from: 'now-30d',
    refresh: '15m',
    variables: tagVariables({ facility: all, sensor: all, factor: all }),
    panels: [
      panel(ids, 'stat', {
        title: 'Facilities reporting',
        description: 'Facilities with at least one reading in the time range.',
        gridPos: { x: 0, y: 0, w: 6, h: 4 },
        queries: [{ query: distinctCount('facilities', '"facility"') }],
        fieldConfig: { defaults: { thresholds: thresholds({ value: null, color: 'blue' }) } },
        options: statOptions(),
      }),
      panel(ids, 'stat', {
        title: 'Sensors reporting',
        description: 'Sensors with at least one reading in the time range.',
        gridPos: { x: 6, y: 0, w: 6, h: 4 },
        queries: [{ query: distinctCount('sensors', '"facility", "sensor"') }],
        fieldConfig: { defaults: { thresholds: thresholds({ value: null, color: 'blue' }) } },
        options: statOptions(),
      }),
      panel(ids, 'stat', {
        title: 'Readings received',
        gridPos: { x: 12, y: 0, w: 6, h: 4 },
        queries: [
          { query: `SELECT count("value") AS "readings" FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter` },
        ],
        fieldConfig: { defaults: { unit: 'short', thresholds: thresholds({ value: null, color: 'blue' }) } },
        options: statOptions(),
      }),
      panel(ids, 'stat', {
        title: 'Alarms and critical alerts',
        description: 'Limits crossed (level alarm or critical) in the time range.',
        gridPos: { x: 18, y: 0, w: 6, h: 4 },
        queries: [
          {
            query: `SELECT count("value") AS "alarms" FROM "alert" WHERE ${ALL_TAGS} AND "event" =~ /^(opened|escalated)$/ AND "level" =~ /^(alarm|critical)$/ AND $timeFilter`,
          },
        ],
        fieldConfig: {
          defaults: {
            noValue: '0',
            thresholds: thresholds({ value: null, color: 'green' }, { value: 1, color: 'red' }),
          },
        },
        options: statOptions(),
      }),
      panel(ids, 'timeseries', {
        title: 'Facilities reporting per day',
        description: 'Distinct facilities with at least one reading each day (days from midnight, UTC+7).',
        gridPos: { x: 0, y: 4, w: 12, h: 8 },
        queries: [{ query: distinctPerDay('"facility"'), alias: 'facilities' }],
        fieldConfig: { defaults: { unit: 'short', decimals: 0, min: 0, custom: perDay } },
        options: timeSeriesOptions(),
      }),
      panel(ids, 'timeseries', {
        title: 'Sensors reporting per day',
        description: 'Distinct sensors with at least one reading each day (days from midnight, UTC+7).',
        gridPos: { x: 12, y: 4, w: 12, h: 8 },
        queries: [{ query: distinctPerDay('"facility", "sensor"'), alias: 'sensors' }],
        fieldConfig: { defaults: { unit: 'short', decimals: 0, min: 0, custom: perDay } },
        options: timeSeriesOptions(),
      }),
      panel(ids, 'timeseries', {
        title: 'Readings per day by facility',
        description: 'A facility whose bar shrinks or vanishes has sensors offline or a broken uplink.',
        gridPos: { x: 0, y: 12, w: 24, h: 8 },
        queries: [
          {
            query: `SELECT count("value") FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY ${DAY}, "facility" fill(0)`,
            alias: '$tag_facility',
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            min: 0,
            custom: { ...perDay, stacking: { mode: 'normal', group: 'A' } },
          },
        },
        options: timeSeriesOptions(),
      }),
      panel(ids, 'table', {
        title: 'Coverage by facility',
        description: 'Per facility over the time range: sensors and factors reporting, readings, alarms.',
        gridPos: { x: 0, y: 20, w: 16, h: 10 },
        queries: [
          { query: distinctCount('sensors', '"facility", "sensor"', 'facility'), format: 'table' },
          { query: distinctCount('factors', '"facility", "factor"', 'facility'), format: 'table' },
          {
            query: `SELECT count("value") AS "readings" FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY "facility"`,
            format: 'table',
          },
          {
            query: `SELECT count("value") AS "alarms" FROM "alert" WHERE ${ALL_TAGS} AND "event" =~ /^(opened|escalated)$/ AND "level" =~ /^(alarm|critical)$/ AND $timeFilter GROUP BY "facility"`,
            format: 'table',
          },
        ],
        transformations: [
          { id: 'joinByField', options: { byField: 'facility', mode: 'outer' } },
          {
            id: 'filterFieldsByName',
            options: { include: { names: ['facility', 'sensors', 'factors', 'readings', 'alarms'] } },
          },
        ],
        fieldConfig: {
          defaults: { noValue: '0', custom: { align: 'auto', cellOptions: { type: 'auto' } } },
          overrides: [],
        },
        options: { showHeader: true, cellHeight: 'sm', sortBy: [{ displayName: 'facility', desc: false }] },
      }),
      panel(ids, 'table', {
        title: 'Last reading received',
        description: 'When each facility last reported; stale facilities sort first.',
        gridPos: { x: 16, y: 20, w: 8, h: 10 },
        queries: [
          {
            query: `SELECT last("value") AS "value" FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY "facility"`,
            format: 'table',
          },
        ],
        transformations: [
          { id: 'filterFieldsByName', options: { include: { names: ['Time', 'facility'] } } },
        ],
        fieldConfig: {
          defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' } } },
          overrides: [],
        },
        options: { showHeader: true, cellHeight: 'sm', sortBy: [{ displayName: 'Time', desc: false }] },
      }),
    ],
  })
}
