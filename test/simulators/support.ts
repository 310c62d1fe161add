import { type SensorPayload, sensorPayloadSchema } from '../../core/contract.ts'
import type { Fleet } from '../../simulators/fleet.ts'
import type { ScenarioId } from '../../simulators/scenarios.ts'
import { createFleetSimulators, type SimulatedMessage } from '../../simulators/sensor.ts'

/** 08:00 on a working Monday in Vietnam: production is running. */
export const MORNING_SHIFT_MS = Date.parse('2026-06-15T08:00:00+07:00')

export interface TimedMessage extends SimulatedMessage {
  facilityId: string
  sensorId: string
  timeMs: number
}

/** Every message a fleet sends over `durationMs`, sampling every `stepMs` from `startMs`. */
export function simulate(options: {
  fleet: Fleet
  scenario: ScenarioId
  seed: number
  startMs?: number
  durationMs: number
  stepMs: number
}): TimedMessage[] {
  const startMs = options.startMs ?? MORNING_SHIFT_MS
  const sensors = createFleetSimulators({ ...options, startMs })
  const messages: TimedMessage[] = []
  for (let timeMs = startMs; timeMs < startMs + options.durationMs; timeMs += options.stepMs) {
    for (const sensor of sensors) {
      const message = sensor.next(timeMs)
      if (message !== undefined)
        messages.push({ ...message, facilityId: sensor.facilityId, sensorId: sensor.sensorId, timeMs })
    }
  }
  return messages
}

/** The readings of a well-formed payload, single or batch alike. */
export function readingsOf(payload: SensorPayload) {
  return 'readings' in payload ? payload.readings : [payload]
}

/** Parses and validates a message the way ingest does first; throws on anything else. */
export function validPayload(raw: string): SensorPayload {
  return sensorPayloadSchema.parse(JSON.parse(raw))
}
