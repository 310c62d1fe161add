import type { Dashboard } from '@grafana/schema'
import {
  ALL_TAGS,
  dashboard,
  PanelIds,
  panel,
  statOptions,
  tagFilter,
  tagVariables,
  thresholds,
  timeSeriesOptions,
} from '../lib/grafana.ts'
import { factorOverrides } from '../lib/limits.ts'

const all = { multi: true, includeAll: true }

export function facilityOverview(): Dashboard {
  const ids = new PanelIds()
  return dashboard({
    uid: 'quantrac-facility-overview',
    title: 'quantrac · Facility overview',
    description: 'What every sensor of the selected facilities measures now, and the alerts they raised.',
    tags: ['facility'],
    from: 'now-6h',
    refresh: '30s',
    variables: tagVariables({ facility: all, sensor: all, factor: all }),
    panels: [
      panel(ids, 'stat', {
        title: 'Sensors reporting',
        description: 'Distinct sensors with at least one reading in the time range.',
        gridPos: { x: 0, y: 0, w: 6, h: 4 },
        queries: [
          {
            query: `SELECT count("last") AS "sensors" FROM (SELECT last("value") FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY "facility", "sensor")`,
          },
        ],
        fieldConfig: { defaults: { thresholds: thresholds({ value: null, color: 'blue' }) } },
        options: statOptions(),
      }),
      panel(ids, 'stat', {
        title: 'Factors monitored',
        description: 'Distinct hazardous factors measured in the time range.',
        gridPos: { x: 6, y: 0, w: 6, h: 4 },
        queries: [
          {
            query: `SELECT count("last") AS "factors" FROM (SELECT last("value") FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY "factor")`,
          },
        ],
        fieldConfig: { defaults: { thresholds: thresholds({ value: null, color: 'blue' }) } },
        options: statOptions(),
      }),
      panel(ids, 'stat', {
        title: 'Alerts opened',
        description: 'Alerts of any level that opened in the time range.',
        gridPos: { x: 12, y: 0, w: 6, h: 4 },
        queries: [
          {
            query: `SELECT count("value") AS "alerts" FROM "alert" WHERE ${ALL_TAGS} AND "event" = 'opened' AND $timeFilter`,
          },
        ],
        fieldConfig: {
          defaults: {
            noValue: '0',
            thresholds: thresholds({ value: null, color: 'green' }, { value: 1, color: 'orange' }),
          },
        },
        options: statOptions(),
      }),
      panel(ids, 'stat', {
        title: 'Critical alerts opened',
        description: 'Ceilings and IDLH values crossed in the time range: each needs an incident report.',
        gridPos: { x: 18, y: 0, w: 6, h: 4 },
        queries: [
          {
            query: `SELECT count("value") AS "critical" FROM "alert" WHERE ${ALL_TAGS} AND "event" =~ /^(opened|escalated)$/ AND "level" = 'critical' AND $timeFilter`,
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
        title: '$factor',
        description:
          'Mean reading per interval for every selected sensor, one panel per factor. Dashed lines: the QCVN limits (orange: 8-h TWA, red: STEL or ceiling).',
        gridPos: { x: 0, y: 4, w: 12, h: 9 },
        repeat: 'factor',
        maxPerRow: 2,
        queries: [
          {
            query: `SELECT mean("value") FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY time($__interval), "facility", "sensor", "factor" fill(null)`,
            alias: '$tag_factor · $tag_facility/$tag_sensor',
          },
        ],
        fieldConfig: {
          defaults: { custom: { drawStyle: 'line', lineWidth: 1, spanNulls: false, showPoints: 'never' } },
          overrides: factorOverrides({ drawLines: true }),
        },
        options: timeSeriesOptions(),
      }),
      panel(ids, 'table', {
        title: 'Latest reading per sensor',
        description:
          "The newest reading of every sensor and factor in the time range, in the factor's canonical unit.",
        gridPos: { x: 0, y: 13, w: 14, h: 10 },
        queries: [
          {
            query: `SELECT last("value") AS "value" FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY "facility", "sensor", "factor"`,
            format: 'table',
          },
        ],
        fieldConfig: {
          defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' } } },
          overrides: [],
        },
        options: { showHeader: true, cellHeight: 'sm', sortBy: [{ displayName: 'facility', desc: false }] },
      }),
      panel(ids, 'bargauge', {
        title: 'Noise dose so far',
        description:
          'Daily noise dose of each sensor (100 % = the 8-h limit reached), from the exposure engine. Orange from half the dose.',
        gridPos: { x: 14, y: 13, w: 10, h: 10 },
        interval: '1m',
        queries: [
          {
            query: `SELECT last("dose") FROM "exposure" WHERE ${tagFilter('facility', 'sensor')} AND "factor" = 'noise' AND $timeFilter GROUP BY "facility", "sensor"`,
            alias: '$tag_facility/$tag_sensor',
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'percent',
            min: 0,
            max: 150,
            thresholds: thresholds(
              { value: null, color: 'green' },
              { value: 50, color: 'orange' },
              { value: 100, color: 'red' },
            ),
          },
        },
        options: {
          reduceOptions: { values: false, calcs: ['lastNotNull'], fields: '' },
          orientation: 'horizontal',
          displayMode: 'gradient',
          showUnfilled: true,
          valueMode: 'color',
          namePlacement: 'auto',
          sizing: 'auto',
        },
      }),
    ],
  })
}
