import { type Dashboard, FieldColorModeId } from '@grafana/schema'
import { ALL_TAGS, dashboard, PanelIds, panel, tagVariables, timeSeriesOptions } from '../lib/grafana.ts'

const all = { multi: true, includeAll: true }

const LEVEL_COLOURS = { warning: 'yellow', alarm: 'orange', critical: 'red' } as const

export function alertsTimeline(): Dashboard {
  const ids = new PanelIds()
  return dashboard({
    uid: 'quantrac-alerts',
    title: 'quantrac · Alerts timeline',
    description:
      'Alert events over time: when limits were crossed, by level, kind and sensor, and the full log.',
    tags: ['alerts'],
    from: 'now-24h',
    refresh: '1m',
    variables: tagVariables({ facility: all, sensor: all, factor: all }),
    panels: [
      panel(ids, 'timeseries', {
        title: 'Alert events by level',
        description:
          'Alert events (opened, escalated, acknowledged, resolved, cleared) per interval, stacked by level.',
        gridPos: { x: 0, y: 0, w: 24, h: 8 },
        queries: [
          {
            query: `SELECT count("value") FROM "alert" WHERE ${ALL_TAGS} AND "event" != 'notified' AND $timeFilter GROUP BY time($__interval), "level" fill(0)`,
            alias: '$tag_level',
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            decimals: 0,
            custom: {
              drawStyle: 'bars',
              fillOpacity: 80,
              lineWidth: 1,
              stacking: { mode: 'normal', group: 'A' },
            },
          },
          overrides: Object.entries(LEVEL_COLOURS).map(([level, colour]) => ({
            matcher: { id: 'byName', options: level },
            properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: colour } }],
          })),
        },
        options: timeSeriesOptions(),
      }),
      panel(ids, 'piechart', {
        title: 'Alerts opened by kind',
        description: 'ceiling, STEL, TWA, dose, projected, sensor offline or sensor fault.',
        gridPos: { x: 0, y: 8, w: 8, h: 9 },
        queries: [
          {
            query: `SELECT count("value") FROM "alert" WHERE ${ALL_TAGS} AND "event" = 'opened' AND $timeFilter GROUP BY "kind"`,
            alias: '$tag_kind',
          },
        ],
        fieldConfig: { defaults: { unit: 'short', decimals: 0 } },
        options: {
          reduceOptions: { values: false, calcs: ['sum'], fields: '' },
          pieType: 'donut',
          displayLabels: ['name', 'value'],
          legend: { displayMode: 'table', placement: 'right', showLegend: true, values: ['value'] },
          tooltip: { mode: 'single', sort: 'none' },
        },
      }),
      panel(ids, 'bargauge', {
        title: 'Alerts opened by sensor',
        description: 'Sensors that raised the most alerts in the time range.',
        gridPos: { x: 8, y: 8, w: 16, h: 9 },
        queries: [
          {
            query: `SELECT count("value") FROM "alert" WHERE ${ALL_TAGS} AND "event" = 'opened' AND $timeFilter GROUP BY "facility", "sensor"`,
            alias: '$tag_facility/$tag_sensor',
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            decimals: 0,
            min: 0,
            color: { mode: FieldColorModeId.ContinuousGrYlRd },
          },
        },
        options: {
          reduceOptions: { values: false, calcs: ['sum'], fields: '' },
          orientation: 'horizontal',
          displayMode: 'gradient',
          showUnfilled: true,
          valueMode: 'color',
          namePlacement: 'auto',
          sizing: 'auto',
        },
      }),
      panel(ids, 'timeseries', {
        title: 'Acknowledgements and resolutions',
        description:
          'What people did with alerts, per interval: acknowledged, resolved, and escalations of acknowledged ' +
          'alerts whose acknowledgers were told (notified).',
        gridPos: { x: 0, y: 17, w: 16, h: 9 },
        queries: [
          {
            query: `SELECT count("value") FROM "alert" WHERE ${ALL_TAGS} AND "event" =~ /^(acknowledged|resolved|notified)$/ AND $timeFilter GROUP BY time($__interval), "event" fill(0)`,
            alias: '$tag_event',
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            decimals: 0,
            custom: {
              drawStyle: 'bars',
              fillOpacity: 80,
              lineWidth: 1,
              stacking: { mode: 'normal', group: 'A' },
            },
          },
        },
        options: timeSeriesOptions(),
      }),
      panel(ids, 'piechart', {
        title: 'Resolutions by reason',
        description:
          'Why people closed alerts: false alarm, sensor fault, ventilation fixed, PPE issued, process stopped, other.',
        gridPos: { x: 16, y: 17, w: 8, h: 9 },
        queries: [
          {
            query: `SELECT count("value") FROM "alert" WHERE ${ALL_TAGS} AND "event" = 'resolved' AND $timeFilter GROUP BY "reason"`,
            alias: '$tag_reason',
          },
        ],
        fieldConfig: { defaults: { unit: 'short', decimals: 0 } },
        options: {
          reduceOptions: { values: false, calcs: ['sum'], fields: '' },
          pieType: 'donut',
          displayLabels: ['name', 'value'],
          legend: { displayMode: 'table', placement: 'right', showLegend: true, values: ['value'] },
          tooltip: { mode: 'single', sort: 'none' },
        },
      }),
      panel(ids, 'table', {
        title: 'Alert log',
        description:
          'Every alert event, newest first. value: the worst value while open; limit: the limit crossed; actor: who ' +
          'acknowledged or resolved (the API key’s name); recipients: who was told of an escalation.',
        gridPos: { x: 0, y: 26, w: 24, h: 12 },
        queries: [
          {
            query: `SELECT "event", "facility", "sensor", "factor", "kind", "level", "state", "value", "limit", "actor", "actor_key", "reason", "note", "recipients", "message", "id" FROM "alert" WHERE ${ALL_TAGS} AND $timeFilter ORDER BY time DESC LIMIT 1000`,
            format: 'table',
          },
        ],
        fieldConfig: {
          defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: true } },
          overrides: [
            {
              matcher: { id: 'byName', options: 'level' },
              properties: [
                { id: 'custom.cellOptions', value: { type: 'color-text' } },
                {
                  id: 'mappings',
                  value: [
                    {
                      type: 'value',
                      options: Object.fromEntries(
                        Object.entries(LEVEL_COLOURS).map(([level, colour]) => [level, { color: colour }]),
                      ),
                    },
                  ],
                },
              ],
            },
          ],
        },
        options: { showHeader: true, cellHeight: 'sm' },
      }),
    ],
  })
}
