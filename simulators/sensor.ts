import { readingsTopic } from '../core/topics.ts'
import { createFaultInjector, type FaultKind, spoilPayload } from './faults.ts'
import type { FacilitySpec, Fleet, SensorSpec } from './fleet.ts'
import { assertFitsOneMessage, buildPayload } from './payload.ts'
import { createRandom, deriveSeed } from './random.ts'
import { type ScenarioId, scenarioPlan } from './scenarios.ts'
import { createSensorSignals } from './signals.ts'

/** One MQTT message a simulated sensor sends. */
export interface SimulatedMessage {
  topic: string
  /** The bytes on the wire: JSON, unless the message is deliberately malformed. */
  payload: string
  /** Readings the message carries. */
  readings: number
  /** Set when the message is deliberately bad. */
  fault?: FaultKind
}

export interface SensorSimulator {
  facilityId: string
  sensorId: string
  topic: string
  /** The message the sensor sends at `timeMs`, or undefined while it is silent. Times must not go backwards. */
  next(timeMs: number): SimulatedMessage | undefined
}

export interface SensorSimulatorOptions {
  facility: FacilitySpec
  sensor: SensorSpec
  scenario: ScenarioId
  /** The run's seed; each sensor derives its own from it and its ids. */
  seed: number
  /** When the simulation starts, epoch ms: forced events are timed from it. */
  startMs: number
}

/**
 * A simulated sensor: pure apart from its own state, so the same seed and the same sample times
 * give the same messages. Signals, forced events and faults each draw from their own stream, so the
 * `faulty` scenario sends the `normal` signals with faults on top.
 */
export function createSensorSimulator(options: SensorSimulatorOptions): SensorSimulator {
  const { facility, sensor, scenario, seed, startMs } = options
  assertFitsOneMessage(sensor.id, sensor.factors)
  const plan = scenarioPlan(scenario)
  const name = `${facility.id}/${sensor.id}`
  const samplers = createSensorSignals({
    facility,
    sensor,
    plan,
    random: createRandom(deriveSeed(seed, name)),
    eventRandom: createRandom(deriveSeed(seed, `${name}#events`)),
    startMs,
  })
  const faultRandom = createRandom(deriveSeed(seed, `${name}#faults`))
  const faults = plan.faults && createFaultInjector(faultRandom, plan.faults)
  const topic = readingsTopic(facility.id, sensor.id)
  const values = new Array<number>(samplers.length)

  return {
    facilityId: facility.id,
    sensorId: sensor.id,
    topic,
    next(timeMs) {
      // The world goes on while a sensor is silent: sample anyway, so its signals stay on the same track.
      for (let i = 0; i < samplers.length; i++) values[i] = (samplers[i] as (t: number) => number)(timeMs)
      if (faults?.isSilent(timeMs)) return undefined
      const payload = buildPayload(sensor.factors, values, timeMs)
      const fault = faults?.nextFault()
      if (fault === undefined)
        return { topic, payload: JSON.stringify(payload), readings: sensor.factors.length }
      return {
        topic,
        payload: spoilPayload(payload, fault, faultRandom),
        readings: sensor.factors.length,
        fault,
      }
    },
  }
}

export interface FleetSimulatorOptions {
  fleet: Fleet
  scenario: ScenarioId
  seed: number
  startMs: number
}

/** A simulator for every sensor of the fleet, facility by facility. */
export function createFleetSimulators(options: FleetSimulatorOptions): SensorSimulator[] {
  const { fleet, ...rest } = options
  return fleet.facilities.flatMap((facility) =>
    facility.sensors.map((sensor) => createSensorSimulator({ ...rest, facility, sensor })),
  )
}
