import { describe, expect, it } from 'vitest'
import { FACTORS } from '../../core/factors.ts'
import { isProfileId } from '../../core/limits/index.ts'
import { ID_PATTERN } from '../../core/topics.ts'
import { DEVICE_MODELS } from '../../simulators/devices.ts'
import { demoFleet, type Fleet, generateFleet, sensorCount } from '../../simulators/fleet.ts'
import { SECTOR_IDS, SECTORS } from '../../simulators/sectors.ts'

function expectWellFormed(fleet: Fleet) {
  const facilityIds = new Set<string>()
  const sensorIds = new Set<string>()
  for (const facility of fleet.facilities) {
    expect(facility.id).toMatch(ID_PATTERN)
    expect(facilityIds.has(facility.id)).toBe(false)
    facilityIds.add(facility.id)
    expect(SECTOR_IDS).toContain(facility.sector)
    expect(isProfileId(facility.profile)).toBe(true)
    expect(facility.name.length).toBeGreaterThan(0)
    for (const sensor of facility.sensors) {
      expect(sensor.id).toMatch(ID_PATTERN)
      expect(sensorIds.has(sensor.id)).toBe(false)
      sensorIds.add(sensor.id)
      expect(sensor.factors).toEqual(DEVICE_MODELS[sensor.model].factors)
      for (const factor of sensor.factors) expect(Object.hasOwn(FACTORS, factor)).toBe(true)
    }
  }
}

describe('demoFleet', () => {
  it('is a garment factory, a coal mine and a construction site with four sensors each', () => {
    const fleet = demoFleet()
    expect(fleet.facilities.map((f) => f.sector)).toEqual(['garment', 'coal-mining', 'construction'])
    expect(fleet.facilities.map((f) => f.province)).toEqual(['Hồ Chí Minh', 'Quảng Ninh', 'Hà Nội'])
    expect(fleet.facilities.every((f) => f.sensors.length === 4)).toBe(true)
    expectWellFormed(fleet)
  })

  it('has a noise meter, a dust monitor, a multi-gas detector and a climate sensor among its devices', () => {
    const models = new Set(demoFleet().facilities.flatMap((f) => f.sensors.map((s) => s.model)))
    expect(models).toEqual(new Set(['QT-SLM2', 'QT-DUST2', 'QT-GAS4', 'QT-CLIMA3']))
  })

  it('returns a fresh copy each time, so callers may change theirs', () => {
    const first = demoFleet()
    first.facilities.pop()
    expect(demoFleet().facilities).toHaveLength(3)
  })
})

describe('generateFleet', () => {
  it('builds N facilities × M sensors with ids like fac-001 and fac-001-s01', () => {
    const fleet = generateFleet({ facilities: 12, sensorsPerFacility: 7, seed: 3 })
    expect(fleet.facilities).toHaveLength(12)
    expect(sensorCount(fleet)).toBe(84)
    expect(fleet.facilities[0]?.id).toBe('fac-001')
    expect(fleet.facilities[11]?.sensors[6]?.id).toBe('fac-012-s07')
    expectWellFormed(fleet)
  })

  it('widens ids when the counts need more digits', () => {
    const fleet = generateFleet({ facilities: 1_000, sensorsPerFacility: 100, seed: 1 })
    expect(fleet.facilities[0]?.sensors[0]?.id).toBe('fac-0001-s001')
    expect(fleet.facilities[999]?.sensors[99]?.id).toMatch(ID_PATTERN)
    expect(fleet.facilities[999]?.sensors[99]?.id).toBe('fac-1000-s100')
  })

  it('covers every sector, each facility in one of its provinces, with unique names', () => {
    const fleet = generateFleet({ facilities: 30, sensorsPerFacility: 2, seed: 5 })
    expect(new Set(fleet.facilities.map((f) => f.sector))).toEqual(new Set(SECTOR_IDS))
    for (const facility of fleet.facilities)
      expect(SECTORS[facility.sector].provinces).toContain(facility.province)
    expect(new Set(fleet.facilities.map((f) => f.name)).size).toBe(30)
  })

  it('gives the same fleet for the same seed', () => {
    const options = { facilities: 20, sensorsPerFacility: 3, seed: 11 }
    expect(generateFleet(options)).toEqual(generateFleet(options))
  })

  it('rejects counts that are not positive integers within bounds', () => {
    expect(() => generateFleet({ facilities: 0, sensorsPerFacility: 1 })).toThrow(/facilities/)
    expect(() => generateFleet({ facilities: 1.5, sensorsPerFacility: 1 })).toThrow(/facilities/)
    expect(() => generateFleet({ facilities: 1, sensorsPerFacility: 1_001 })).toThrow(/sensorsPerFacility/)
  })
})
