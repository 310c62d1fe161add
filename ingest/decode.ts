import { MAX_CLOCK_SKEW_MS, MAX_READING_AGE_MS, type Reading, sensorPayloadSchema } from '../core/contract.ts'
import { FACTORS, type FactorId } from '../core/factors.ts'
import { parseReadingsTopic, type SensorAddress } from '../core/topics.ts'
import { converterTo } from '../core/units.ts'
import { readValidPayload } from './payload-fast-path.ts'
import { explainPayload } from './payload-problems.ts'

export const REJECTION_REASONS = [
  'topic',
  'unknown-sensor',
  'decommissioned',
  'too-large',
  'utf8',
  'json',
  'schema',
  'unit',
  'range',
  'timestamp',
  'unregistered-factor',
] as const
export type RejectionReason = (typeof REJECTION_REASONS)[number]

export interface Rejection {
  reason: RejectionReason
  detail: string
  /** The factor of a refused batch item, when the message could be read that far. */
  factor?: FactorId
}

/** What one MQTT message yields: the readings it holds that are valid, and why the others were refused. */
export interface DecodedMessage {
  readings: Reading[]
  rejections: Rejection[]
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Turns one sensor message into readings in canonical units. Never throws: anything wrong with the
 * message becomes a rejection with its reason; `admit` says whether the sensor may send at all, and
 * `factorsOf` which factors it is registered for (a noise meter's `gas.co` is refused). Items of a batch
 * are judged one by one, so a faulty channel of a multi-gas detector does not cost the others.
 */
export function decodeMessage(
  topic: string,
  payload: Uint8Array,
  receivedAt: number,
  maxBytes: number,
  admit?: (address: SensorAddress) => Rejection | undefined,
  factorsOf?: (address: SensorAddress) => readonly FactorId[] | undefined,
): DecodedMessage {
  return decodeAddressed(parseReadingsTopic(topic), payload, receivedAt, maxBytes, admit, factorsOf)
}

/** `decodeMessage` for a caller that parsed the topic already: `address` is what `parseReadingsTopic` gave. */
export function decodeAddressed(
  address: SensorAddress | undefined,
  payload: Uint8Array,
  receivedAt: number,
  maxBytes: number,
  admit: (address: SensorAddress) => Rejection | undefined = () => undefined,
  factorsOf: (address: SensorAddress) => readonly FactorId[] | undefined = () => undefined,
): DecodedMessage {
  if (address === undefined) {
    return refused('topic', `not a readings topic: expected quantrac/v1/readings/{facilityId}/{sensorId}`)
  }
  // Checked before parsing, so garbage from an unknown sender costs a map lookup, not a JSON parse.
  const refusal = admit(address)
  if (refusal !== undefined) return { readings: [], rejections: [refusal] }
  if (payload.length > maxBytes) return refused('too-large', `${payload.length} bytes exceed ${maxBytes}`)
  let text: string
  try {
    text = utf8.decode(payload)
  } catch {
    return refused('utf8', 'payload is not valid UTF-8')
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return refused('json', `payload is not JSON: ${(err as Error).message}`)
  }
  let message = readValidPayload(json)
  if (message === undefined) {
    const parsed = sensorPayloadSchema.safeParse(json)
    if (!parsed.success) return refused('schema', explainPayload(json))
    message = parsed.data
  }

  const items = 'readings' in message ? message.readings : [message]
  const defaultTs = 'readings' in message ? message.ts : undefined
  const result: DecodedMessage = { readings: [], rejections: [] }
  const registered = factorsOf(address)
  for (const item of items) {
    if (registered !== undefined && !registered.includes(item.factor)) {
      result.rejections.push({
        reason: 'unregistered-factor',
        detail: `sensor ${address.sensorId} is not registered for ${item.factor} (registered: ${registered.join(', ') || 'none'}); add it to the sensor's factors to accept it`,
      })
      continue
    }
    const checked = checkAndConvert(item.factor, item.value, item.unit, item.ts ?? defaultTs, receivedAt)
    if ('reason' in checked) result.rejections.push(checked)
    else result.readings.push({ ...address, factor: item.factor, value: checked.value, time: checked.time })
  }
  return result
}

function checkAndConvert(
  factor: FactorId,
  value: number,
  unit: string,
  ts: string | number | undefined,
  receivedAt: number,
): Rejection | { value: number; time: number } {
  const definition = FACTORS[factor]
  const convert = converterTo(factor, unit)
  if (convert === undefined) return { reason: 'unit', factor, detail: `${factor} cannot be given in ${unit}` }
  const canonical = convert(value)
  if (!(canonical >= definition.min && canonical <= definition.max)) {
    return {
      reason: 'range',
      factor,
      detail: `${factor} ${value} ${unit} is outside ${definition.min}…${definition.max} ${definition.unit}`,
    }
  }
  const time = ts === undefined ? receivedAt : typeof ts === 'number' ? ts : Date.parse(ts)
  if (time > receivedAt + MAX_CLOCK_SKEW_MS)
    return { reason: 'timestamp', factor, detail: `${factor} timestamp is in the future` }
  if (time < receivedAt - MAX_READING_AGE_MS) {
    return { reason: 'timestamp', factor, detail: `${factor} timestamp is more than 7 days old` }
  }
  return { value: canonical, time }
}

function refused(reason: RejectionReason, detail: string): DecodedMessage {
  return { readings: [], rejections: [{ reason, detail }] }
}
