import type { CoverageReport, Tally } from './report.ts'

export const REPORT_TABLES = [
  'summary',
  'provinces',
  'sectors',
  'facilities',
  'shortfalls',
  'exceedances',
  'exposed-workers',
] as const
export type ReportTable = (typeof REPORT_TABLES)[number]

type Cell = string | number | undefined
const iso = (time: number) => new Date(time).toISOString()
const bool = (value: boolean | null) => (value === null ? '' : String(value))
const nullable = (value: number | null) => (value === null ? '' : value)

const TALLY_HEADER = [
  'hazardousFacilities',
  'monitoredFacilities',
  'monitoredShare',
  'previousMonitoredFacilities',
  'growthPercent',
  'targetPercent',
  'onTrack',
  'verdict',
  'facilitiesNeededForTarget',
  'exposedWorkers',
]

function tallyRow(tally: Tally): Cell[] {
  return [
    tally.name,
    ...(tally.code === undefined ? [] : [tally.code]),
    tally.hazardousFacilities,
    tally.monitoredFacilities,
    tally.monitoredShare,
    tally.previousMonitoredFacilities,
    nullable(tally.growthPercent),
    tally.targetPercent,
    bool(tally.onTrack),
    tally.verdict,
    tally.facilitiesNeededForTarget,
    tally.exposedWorkers,
  ]
}

const list = (values: readonly string[]) => values.join(';')

/**
 * One table of a report as rows of cells, header first: what the CSV export writes. Numbers are as in the
 * JSON (shares 0–1, percentages 0–100); lists inside a cell are separated by semicolons.
 */
export function reportTable(report: CoverageReport, table: ReportTable): Cell[][] {
  switch (table) {
    case 'summary':
      return [
        [
          'period',
          'periodStart',
          'periodEnd',
          'evaluatedUntil',
          'complete',
          'hazardousFacilities',
          'monitoredFacilities',
          'monitoredShare',
          'previousPeriod',
          'previousHazardousFacilities',
          'previousMonitoredFacilities',
          'previousMonitoredShare',
          'growthPercent',
          'targetPercent',
          'onTrack',
          'verdict',
          'facilitiesNeededForTarget',
          'facilitiesWithoutHazards',
          'facilitiesWithExceedances',
          'monitoredByContinuous',
          'monitoredByCampaign',
          'monitoredByBoth',
          'facilitiesRegisteredLater',
          'exposedWorkers',
        ],
        [
          report.period,
          iso(report.periodStart),
          iso(report.periodEnd),
          iso(report.evaluatedUntil),
          String(report.complete),
          report.hazardousFacilities,
          report.monitoredFacilities,
          report.monitoredShare,
          report.previousPeriod.period,
          report.previousPeriod.hazardousFacilities,
          report.previousPeriod.monitoredFacilities,
          report.previousPeriod.monitoredShare,
          nullable(report.growthPercent),
          report.targetPercent,
          bool(report.onTrack),
          report.verdict,
          report.facilitiesNeededForTarget,
          report.facilitiesWithoutHazards,
          report.facilitiesWithExceedances,
          report.monitoredBySource.continuous,
          report.monitoredBySource.campaign,
          report.monitoredBySource.both,
          report.facilitiesRegisteredLater,
          report.exposedWorkers,
        ],
      ]
    case 'provinces':
      return [['province', 'code', ...TALLY_HEADER], ...report.byProvince.map(tallyRow)]
    case 'sectors':
      return [['sector', ...TALLY_HEADER], ...report.bySector.map(tallyRow)]
    case 'facilities':
      return [
        [
          'facilityId',
          'name',
          'province',
          'provinceCode',
          'sector',
          'monitored',
          'sources',
          'factorsByContinuous',
          'factorsByCampaign',
          'factorsUncovered',
          'campaigns',
        ],
        ...report.facilities.map((f): Cell[] => [
          f.facilityId,
          f.name,
          f.province,
          f.provinceCode,
          f.sector,
          String(f.monitored),
          list(f.sources),
          list(f.factors.filter((x) => x.sources.includes('continuous')).map((x) => x.factor)),
          list(f.factors.filter((x) => x.sources.includes('campaign')).map((x) => x.factor)),
          list(f.factors.filter((x) => !x.covered).map((x) => x.factor)),
          list([...new Set(f.factors.flatMap((x) => x.campaignIds))]),
        ]),
      ]
    case 'exposed-workers':
      return [
        [
          'facilityId',
          'name',
          'province',
          'provinceCode',
          'sector',
          'workers',
          'exposedWorkers',
          'workersUnknown',
          'zone',
          'zoneName',
          'zoneWorkers',
          'factors',
          'evidence',
        ],
        ...report.exposedFacilities.flatMap((f) => {
          const common = [
            f.facilityId,
            f.name,
            f.province,
            f.provinceCode,
            f.sector,
            f.workers,
            f.exposedWorkers,
          ]
          const zones = f.zones.map((z): Cell[] => [
            ...common,
            String(f.workersUnknown),
            z.zoneId,
            z.name,
            z.workers,
            list(z.factors),
            list(z.evidence),
          ])
          const loose = f.unattributed.map((u): Cell[] => [
            ...common,
            String(f.workersUnknown),
            '',
            '',
            undefined,
            u.factor,
            list(u.evidence),
          ])
          return [...zones, ...loose]
        }),
      ]
    case 'shortfalls':
      return [
        [
          'facilityId',
          'name',
          'province',
          'sector',
          'factor',
          'reason',
          'coverage',
          'required',
          'sensors',
          'calibrationDue',
          'message',
        ],
        ...report.shortfalls.flatMap((s) =>
          s.reasons.map((r): Cell[] => [
            s.facilityId,
            s.name,
            s.province,
            s.sector,
            r.factor,
            r.code,
            r.coverage === undefined ? undefined : Math.round(r.coverage * 10_000) / 10_000,
            r.required,
            list(r.sensorIds.length > 0 ? r.sensorIds : (r.campaignIds ?? [])),
            r.calibrationDue === undefined ? undefined : iso(r.calibrationDue),
            r.message,
          ]),
        ),
      ]
    case 'exceedances':
      return [
        ['factor', 'facilities', 'twaAlerts', 'stelAlerts', 'facilityIds'],
        ...report.exceedances.map((e): Cell[] => [
          e.factor,
          e.facilities,
          e.twaAlerts,
          e.stelAlerts,
          e.facilityIds.join(';'),
        ]),
      ]
  }
}
