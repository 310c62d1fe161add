import type { Dashboard } from '@grafana/schema'
import {
  ALL_TAGS,
  dashboard,
  PanelIds,
  panel,
  row,
  statOptions,
  tagFilter,
  tagVariables,
  thresholds,
  timeSeriesOptions,
} from '../lib/grafana.ts'
import { factorOverrides, limitValue } from '../lib/limits.ts'

const one = { multi: false, includeAll: false }

const noiseOnly = `${tagFilter('facility', 'sensor')} AND "factor" = 'noise'`

export function sensorDetail(): Dashboard {
  const ids = new PanelIds()
  const noiseTwa = limitValue('noise', 'twa')
  return dashboard({
    uid: 'quantrac-sensor-detail',
    title: 'quantrac · Sensor detail',
    description:
      "One sensor's readings against its limits, and the exposure the engine derives from them: 15-min STEL, shift TWA, noise dose.",
    tags: ['sensor'],
    from: 'now-12h',
    refresh: '30s',
    variables: tagVariables({ facility: one, sensor: one, factor: { multi: true, includeAll: true } }),
    panels: [
      panel(ids, 'stat', {
        title: 'Latest values',
        description: 'Newest reading of each factor, coloured by the QCVN limits.',
        gridPos: { x: 0, y: 0, w: 16, h: 5 },
        queries: [
          {
            query: `SELECT last("value") FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY "factor"`,
            alias: '$tag_factor',
          },
        ],
        fieldConfig: { defaults: {}, overrides: factorOverrides({ drawLines: false }) },
        options: statOptions({ colorMode: 'value', graphMode: 'area' }),
      }),
      panel(ids, 'stat', {
        title: 'Noise LEX,8h',
        description: 'Daily noise exposure level normalised to 8 h (ISO 9612), so far in this shift.',
        gridPos: { x: 16, y: 0, w: 4, h: 5 },
        interval: '1m',
        queries: [
          { query: `SELECT last("lex8h") AS "LEX,8h" FROM "exposure" WHERE ${noiseOnly} AND $timeFilter` },
        ],
        fieldConfig: {
          defaults: {
            unit: 'suffix: dBA',
            decimals: 1,
            thresholds: thresholds({ value: null, color: 'green' }, { value: noiseTwa, color: 'red' }),
          },
        },
        options: statOptions({ colorMode: 'value' }),
      }),
      panel(ids, 'stat', {
        title: 'Noise dose',
        description: 'Share of the daily noise dose used so far; 100 % is the 8-h limit.',
        gridPos: { x: 20, y: 0, w: 4, h: 5 },
        interval: '1m',
        queries: [
          { query: `SELECT last("dose") AS "dose" FROM "exposure" WHERE ${noiseOnly} AND $timeFilter` },
        ],
        fieldConfig: {
          defaults: {
            unit: 'percent',
            decimals: 0,
            thresholds: thresholds(
              { value: null, color: 'green' },
              { value: 50, color: 'orange' },
              { value: 100, color: 'red' },
            ),
          },
        },
        options: statOptions({ colorMode: 'value' }),
      }),
      row(ids, '$factor', 5, 'factor'),
      panel(ids, 'timeseries', {
        title: '$factor readings',
        description:
          'Mean and maximum reading per interval. Dashed lines: the QCVN limits (orange: 8-h TWA, red: STEL or ceiling, blue below: lower bound).',
        gridPos: { x: 0, y: 6, w: 12, h: 9 },
        queries: [
          {
            query: `SELECT mean("value") AS "mean", max("value") AS "max" FROM "reading" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY time($__interval), "factor" fill(null)`,
            alias: '$tag_factor · $col',
          },
        ],
        fieldConfig: {
          defaults: { custom: { drawStyle: 'line', lineWidth: 1, spanNulls: false, showPoints: 'never' } },
          overrides: factorOverrides({ drawLines: true }),
        },
        options: timeSeriesOptions(),
      }),
      panel(ids, 'timeseries', {
        title: '$factor exposure: STEL and TWA',
        description:
          'From the exposure engine, once a minute: the rolling 15-min mean (compare with the red STEL line), the shift TWA so far and its projection to the end of the shift (compare with the orange TWA line).',
        gridPos: { x: 12, y: 6, w: 12, h: 9 },
        interval: '1m',
        queries: [
          {
            query: `SELECT last("stel") AS "STEL (15 min)", last("twa") AS "TWA so far", last("twa_projected") AS "TWA projected" FROM "exposure" WHERE ${ALL_TAGS} AND $timeFilter GROUP BY time($__interval), "factor" fill(none)`,
            alias: '$tag_factor · $col',
          },
        ],
        fieldConfig: {
          defaults: { custom: { drawStyle: 'line', lineWidth: 2, spanNulls: true, showPoints: 'never' } },
          overrides: factorOverrides({ drawLines: true }),
        },
        options: timeSeriesOptions(),
      }),
      row(ids, 'Noise dose and alerts', 15),
      panel(ids, 'timeseries', {
        title: 'Noise dose',
        description: 'Daily noise dose so far and projected to the end of the shift; 100 % is the 8-h limit.',
        gridPos: { x: 0, y: 16, w: 12, h: 9 },
        interval: '1m',
        queries: [
          {
            query: `SELECT last("dose") AS "dose", last("dose_projected") AS "dose projected" FROM "exposure" WHERE ${noiseOnly} AND $timeFilter GROUP BY time($__interval) fill(none)`,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'percent',
            min: 0,
            custom: { drawStyle: 'line', lineWidth: 2, spanNulls: true, thresholdsStyle: { mode: 'dashed' } },
            thresholds: thresholds({ value: null, color: 'green' }, { value: 100, color: 'red' }),
          },
        },
        options: timeSeriesOptions(),
      }),
      panel(ids, 'table', {
        title: 'Alert events',
        description:
          'Every change of an alert on this sensor (opened, escalated, acknowledged, cleared), newest first.',
        gridPos: { x: 12, y: 16, w: 12, h: 9 },
        queries: [
          {
            query: `SELECT "event", "factor", "kind", "level", "state", "value", "limit", "actor", "reason", "message", "id" FROM "alert" WHERE ${ALL_TAGS} AND $timeFilter ORDER BY time DESC LIMIT 200`,
            format: 'table',
          },
        ],
        fieldConfig: {
          defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' } } },
          overrides: [],
        },
        options: { showHeader: true, cellHeight: 'sm' },
      }),
    ],
  })
}
