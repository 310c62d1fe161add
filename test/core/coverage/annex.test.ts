import { describe, expect, it } from 'vitest'
import { MONITORING_FACTOR_IDS } from '../../../core/campaigns.ts'
import { ANNEX_TABLES, annexColumnOf, annexRows, provincialReport } from '../../../core/coverage/annex.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../../core/shifts.ts'

describe('annexColumnOf', () => {
  it('puts every factor a campaign or a sensor can record in a column of its table', () => {
    for (const factor of MONITORING_FACTOR_IDS) {
      const { table, column } = annexColumnOf(factor)
      expect(Object.keys(ANNEX_TABLES[table].columns)).toContain(column)
    }
  })

  it('counts the QCVN 03 gases as toxic gases, and dust in table 2', () => {
    for (const gas of [
      'gas.co',
      'gas.h2s',
      'gas.nh3',
      'gas.so2',
      'gas.no2',
      'gas.cl2',
      'gas.co2',
      'gas.other',
    ] as const) {
      expect(annexColumnOf(gas)).toEqual({ table: 'physical', column: 'toxic-gas' })
    }
    expect(annexColumnOf('gas.o2').column).toBe('other')
    expect(annexColumnOf('wbgt').column).toBe('other')
    expect(annexColumnOf('dust.respirable')).toEqual({ table: 'dust', column: 'dust-respirable' })
  })
})

describe('provincialReport', () => {
  const facility = (id: string, name: string, workers: number) => ({
    id,
    name,
    province: 'Huế',
    sector: 'x',
    hazards: [],
    shifts: DEFAULT_SHIFT_PATTERN,
    workers,
  })
  const report = provincialReport({
    period: { label: '2025-H1', start: 0, end: 10 },
    evaluatedUntil: 5,
    province: { code: '46', name: 'Huế' },
    facilities: [facility('b', 'Bến', 30), facility('a', 'An', 10), facility('c', 'Cồn', 5)],
    zones: [
      { id: 'a1', facilityId: 'a', name: 'A1', workers: 25 },
      { id: 'b1', facilityId: 'b', name: 'B1', workers: 4 },
      { id: 'b2', facilityId: 'b', name: 'B2' },
    ],
    sensorSamples: [
      {
        facilityId: 'a',
        sensorId: 's',
        zoneId: 'a1',
        factor: 'gas.co',
        count: { samples: 3, failing: 1, unjudged: 0 },
      },
      {
        facilityId: 'a',
        sensorId: 't',
        zoneId: 'a1',
        factor: 'gas.nh3',
        count: { samples: 2, failing: 2, unjudged: 0 },
      },
      { facilityId: 'c', sensorId: 'u', factor: 'noise', count: { samples: 0, failing: 0, unjudged: 0 } },
    ],
    campaigns: [
      {
        id: 'k',
        facilityId: 'b',
        endedOn: '2025-03-01',
        measurements: [
          { zoneId: 'b1', factor: 'dust.respirable', samples: 2, samplesOverLimit: 1 },
          { zoneId: 'b2', factor: 'dust.other', samples: 1, samplesOverLimit: 0 },
        ],
      },
    ],
    monitoredFacilities: 1,
  })

  it('adds the gases of one facility in one cell, caps workers in contact at its total, skips empty rows', () => {
    expect(report.physical.rows).toHaveLength(1)
    expect(report.physical.rows[0]).toMatchObject({
      no: 1,
      facilityId: 'a',
      workers: 10,
      workersInContact: 10,
    })
    expect(report.physical.rows[0]?.cells['toxic-gas']).toMatchObject({ samples: 5, failing: 3 })
  })

  it('counts a zone without workers as unknown, and sums the dust pair', () => {
    const [row] = report.dust.rows
    expect(row).toMatchObject({ facilityId: 'b', workersInContact: 4, workersInContactIncomplete: true })
    expect(row?.total).toEqual({ samples: 3, failing: 1 })
    expect(report).toMatchObject({ complete: false, reportingFacilities: 3, monitoredFacilities: 1 })
  })

  it('writes the annex headings and a total row', () => {
    const rows = annexRows(report, 'dust')
    expect(rows[0]).toHaveLength(14)
    expect(rows.at(-1)?.slice(0, 4)).toEqual(['', 'Tổng cộng', 30, 4])
  })
})
