/**
 * The working-environment monitoring section (VI) of the provincial six-monthly / yearly occupational-health
 * report ("Báo cáo hoạt động y tế lao động 6 tháng/năm", Circular 19/2016/TT-BYT, annex 10 as implemented in
 * the source README.md names): facilities monitored / facilities reporting, and per facility the samples
 * measured (1) and failing the limit (2) per factor — table 1 microclimate, physical and chemical factors,
 * table 2 dust. Both sources feed it: campaigns with their samples, sensors with their hours (samples.ts).
 */
import { type MonitoringFactor, monitoringFactorLabel } from '../campaigns.ts'
import type { CoverageCampaign, CoverageFacility } from './assess.ts'
import type { WorkerZone } from './exposed-workers.ts'
import type { SampleCount } from './samples.ts'

/** The columns of the two tables, in the annex's order, with its Vietnamese headings. */
export const ANNEX_TABLES = {
  physical: {
    title: 'Kết quả quan trắc các yếu tố vi khí hậu và vật lý, hóa học trong môi trường lao động',
    english: 'Microclimate, physical and chemical factors',
    workersHeading: 'Số người tiếp xúc',
    total: false,
    columns: {
      temperature: 'Nhiệt độ',
      humidity: 'Độ ẩm',
      'air-speed': 'Tốc độ gió',
      light: 'Ánh sáng',
      noise: 'Ồn',
      vibration: 'Rung',
      'toxic-gas': 'HK độc',
      radiation: 'Phóng xạ',
      'electromagnetic-field': 'Điện, Từ trường',
      other: 'Yếu tố khác',
    },
  },
  dust: {
    title: 'Kết quả quan trắc yếu tố bụi trong môi trường lao động',
    english: 'Dust',
    workersHeading: 'Số người tiếp xúc với các yếu tố bụi',
    total: true,
    columns: {
      'dust-total': 'Bụi toàn phần',
      'dust-respirable': 'Bụi hô hấp',
      'dust-silica': 'Bụi silic',
      'dust-other': 'Bụi khác',
    },
  },
} as const

export type AnnexTableId = keyof typeof ANNEX_TABLES
export const ANNEX_TABLE_IDS = Object.keys(ANNEX_TABLES) as AnnexTableId[]
export type AnnexColumn =
  | keyof (typeof ANNEX_TABLES)['physical']['columns']
  | keyof (typeof ANNEX_TABLES)['dust']['columns']

/** The annex column a factor is counted in; gases of QCVN 03 are the toxic gases ("HK độc"). */
export function annexColumnOf(factor: MonitoringFactor): { table: AnnexTableId; column: AnnexColumn } {
  switch (factor) {
    case 'temperature':
    case 'humidity':
    case 'air-speed':
    case 'light':
    case 'noise':
    case 'vibration':
    case 'radiation':
    case 'electromagnetic-field':
    case 'other':
      return { table: 'physical', column: factor }
    case 'gas.co':
    case 'gas.h2s':
    case 'gas.nh3':
    case 'gas.so2':
    case 'gas.no2':
    case 'gas.cl2':
    case 'gas.co2':
    case 'gas.other':
      return { table: 'physical', column: 'toxic-gas' }
    // Oxygen, flammable gas and the WBGT index have no column of their own.
    case 'gas.o2':
    case 'gas.lel':
    case 'wbgt':
      return { table: 'physical', column: 'other' }
    case 'dust.total':
      return { table: 'dust', column: 'dust-total' }
    case 'dust.respirable':
      return { table: 'dust', column: 'dust-respirable' }
    case 'dust.silica':
      return { table: 'dust', column: 'dust-silica' }
    case 'dust.other':
      return { table: 'dust', column: 'dust-other' }
  }
}

export interface AnnexCell {
  /** (1) samples measured, (2) samples failing the limit: both sources added. */
  samples: number
  failing: number
  continuous: SampleCount
  campaign: { samples: number; failing: number }
}

export interface AnnexRow {
  /** TT: the row's number in its table. */
  no: number
  facilityId: string
  name: string
  /** Tổng số người lao động. */
  workers: number
  /** Số người tiếp xúc: workers of the zones where the table's factors were measured; null when none is counted. */
  workersInContact: number | null
  /** A measured zone has no worker count: `workersInContact` is a lower bound. */
  workersInContactIncomplete: boolean
  cells: Partial<Record<AnnexColumn, AnnexCell>>
  /** Table 2's "Tổng số" pair: the dust columns added. */
  total?: { samples: number; failing: number }
  /** What measured the row: sensors, campaigns (their ids). */
  sources: { continuous: boolean; campaignIds: string[] }
}

export interface AnnexTable {
  id: AnnexTableId
  rows: AnnexRow[]
  /** Tổng cộng. */
  totals: Omit<AnnexRow, 'no' | 'facilityId' | 'name' | 'sources' | 'workersInContactIncomplete'>
}

export interface ProvincialReport {
  period: string
  periodStart: number
  periodEnd: number
  evaluatedUntil: number
  complete: boolean
  province: { code: string; name: string }
  /** Số cơ sở được quan trắc môi trường lao động: the coverage report's monitored facilities of the province. */
  monitoredFacilities: number
  /** Tổng số cơ sở báo cáo: facilities of the province registered by the end of the judged window. */
  reportingFacilities: number
  physical: AnnexTable
  dust: AnnexTable
}

/** One sensor's samples of one factor in the window (samples.ts), with its zone. */
export interface SensorSamples {
  facilityId: string
  sensorId: string
  zoneId?: string
  factor: MonitoringFactor
  count: SampleCount
}

const emptyCell = (): AnnexCell => ({
  samples: 0,
  failing: 0,
  continuous: { samples: 0, failing: 0, unjudged: 0 },
  campaign: { samples: 0, failing: 0 },
})

function addInto(target: Partial<Record<AnnexColumn, AnnexCell>>, column: AnnexColumn, cell: AnnexCell) {
  const sum = target[column] ?? emptyCell()
  sum.samples += cell.samples
  sum.failing += cell.failing
  sum.continuous.samples += cell.continuous.samples
  sum.continuous.failing += cell.continuous.failing
  sum.continuous.unjudged += cell.continuous.unjudged
  sum.campaign.samples += cell.campaign.samples
  sum.campaign.failing += cell.campaign.failing
  target[column] = sum
}

/**
 * Builds section VI for one province and period from the facilities registered by the end of the window,
 * their zones, the sensors' samples and the campaigns counting in the window. Pure.
 */
export function provincialReport(input: {
  period: { label: string; start: number; end: number }
  evaluatedUntil: number
  province: { code: string; name: string }
  facilities: readonly CoverageFacility[]
  zones: readonly WorkerZone[]
  sensorSamples: readonly SensorSamples[]
  campaigns: readonly CoverageCampaign[]
  monitoredFacilities: number
}): ProvincialReport {
  const zoneById = new Map(input.zones.map((z) => [z.id, z]))
  const tables = Object.fromEntries(ANNEX_TABLE_IDS.map((id) => [id, { rows: [] as AnnexRow[] }])) as Record<
    AnnexTableId,
    { rows: AnnexRow[] }
  >

  const byName = [...input.facilities].sort(
    (a, b) => a.name.localeCompare(b.name, 'vi') || a.id.localeCompare(b.id),
  )
  for (const facility of byName) {
    for (const table of ANNEX_TABLE_IDS) {
      const cells: Partial<Record<AnnexColumn, AnnexCell>> = {}
      const zones = new Set<string>()
      let continuous = false
      const campaignIds = new Set<string>()
      for (const s of input.sensorSamples) {
        if (s.facilityId !== facility.id || s.count.samples === 0) continue
        const place = annexColumnOf(s.factor)
        if (place.table !== table) continue
        addInto(cells, place.column, {
          ...emptyCell(),
          samples: s.count.samples,
          failing: s.count.failing,
          continuous: { ...s.count },
        })
        continuous = true
        if (s.zoneId !== undefined) zones.add(s.zoneId)
      }
      for (const campaign of input.campaigns) {
        if (campaign.facilityId !== facility.id) continue
        for (const m of campaign.measurements) {
          const place = annexColumnOf(m.factor)
          if (place.table !== table || m.samples === 0) continue
          addInto(cells, place.column, {
            ...emptyCell(),
            samples: m.samples,
            failing: m.samplesOverLimit,
            campaign: { samples: m.samples, failing: m.samplesOverLimit },
          })
          campaignIds.add(campaign.id)
          zones.add(m.zoneId)
        }
      }
      if (Object.keys(cells).length === 0) continue
      const counted = [...zones].map((id) => zoneById.get(id)?.workers)
      const known = counted.filter((n): n is number => n !== undefined)
      const sum = known.reduce((a, b) => a + b, 0)
      const workers = facility.workers ?? 0
      const row: AnnexRow = {
        no: tables[table].rows.length + 1,
        facilityId: facility.id,
        name: facility.name,
        workers,
        workersInContact:
          known.length === 0 ? null : facility.workers === undefined ? sum : Math.min(workers, sum),
        workersInContactIncomplete: known.length < counted.length,
        cells,
        sources: { continuous, campaignIds: [...campaignIds].sort() },
      }
      if (ANNEX_TABLES[table].total) {
        const all = Object.values(cells)
        row.total = {
          samples: all.reduce((n, c) => n + c.samples, 0),
          failing: all.reduce((n, c) => n + c.failing, 0),
        }
      }
      tables[table].rows.push(row)
    }
  }

  const totalsOf = (id: AnnexTableId): AnnexTable['totals'] => {
    const rows = tables[id].rows
    const cells: Partial<Record<AnnexColumn, AnnexCell>> = {}
    for (const row of rows) {
      for (const [column, cell] of Object.entries(row.cells) as [AnnexColumn, AnnexCell][]) {
        addInto(cells, column, cell)
      }
    }
    const contact = rows.map((r) => r.workersInContact).filter((n): n is number => n !== null)
    return {
      workers: rows.reduce((n, r) => n + r.workers, 0),
      workersInContact: contact.length === 0 ? null : contact.reduce((a, b) => a + b, 0),
      cells,
      ...(ANNEX_TABLES[id].total
        ? {
            total: {
              samples: rows.reduce((n, r) => n + (r.total?.samples ?? 0), 0),
              failing: rows.reduce((n, r) => n + (r.total?.failing ?? 0), 0),
            },
          }
        : {}),
    }
  }

  return {
    period: input.period.label,
    periodStart: input.period.start,
    periodEnd: input.period.end,
    evaluatedUntil: input.evaluatedUntil,
    complete: input.evaluatedUntil >= input.period.end,
    province: input.province,
    monitoredFacilities: input.monitoredFacilities,
    reportingFacilities: input.facilities.length,
    physical: { id: 'physical', rows: tables.physical.rows, totals: totalsOf('physical') },
    dust: { id: 'dust', rows: tables.dust.rows, totals: totalsOf('dust') },
  }
}

/**
 * A table as rows of cells for CSV, with the annex's headings: TT, facility, workers, workers in contact,
 * then (1) and (2) per column; the total row last.
 */
export function annexRows(report: ProvincialReport, table: AnnexTableId): (string | number | undefined)[][] {
  const spec = ANNEX_TABLES[table]
  const columns = Object.keys(spec.columns) as AnnexColumn[]
  const headings = spec.columns as Record<AnnexColumn, string>
  const header = [
    'TT',
    'Tên cơ sở',
    'Tổng số người lao động',
    spec.workersHeading,
    ...columns.flatMap((c) => [`${headings[c]} (1)`, `${headings[c]} (2)`]),
    ...(spec.total ? ['Tổng số (1)', 'Tổng số (2)'] : []),
  ]
  const pairs = (cells: AnnexRow['cells'], total: AnnexRow['total']) => [
    ...columns.flatMap((c) => [cells[c]?.samples ?? 0, cells[c]?.failing ?? 0]),
    ...(spec.total ? [total?.samples ?? 0, total?.failing ?? 0] : []),
  ]
  const { rows, totals } = report[table]
  return [
    header,
    ...rows.map((r) => [
      r.no,
      r.name,
      r.workers,
      r.workersInContact ?? undefined,
      ...pairs(r.cells, r.total),
    ]),
    [
      '',
      'Tổng cộng',
      totals.workers,
      totals.workersInContact ?? undefined,
      ...pairs(totals.cells, totals.total),
    ],
  ]
}

/** Heading of a column in English, for the JSON and the page. */
export function annexColumnLabel(column: AnnexColumn): string {
  const english: Record<AnnexColumn, string> = {
    temperature: monitoringFactorLabel('temperature'),
    humidity: monitoringFactorLabel('humidity'),
    'air-speed': monitoringFactorLabel('air-speed'),
    light: monitoringFactorLabel('light'),
    noise: 'Noise',
    vibration: monitoringFactorLabel('vibration'),
    'toxic-gas': 'Toxic gases and vapours',
    radiation: monitoringFactorLabel('radiation'),
    'electromagnetic-field': monitoringFactorLabel('electromagnetic-field'),
    other: 'Other factors',
    'dust-total': 'Total dust',
    'dust-respirable': 'Respirable dust',
    'dust-silica': 'Silica dust',
    'dust-other': 'Other dust',
  }
  return english[column]
}
