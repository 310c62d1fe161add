/** Hostile sensor messages for the fuzz tests: random, mutated and crafted payloads and topics. */
import type { Reading } from '../../core/contract.ts'
import { FACTOR_IDS } from '../../core/factors.ts'

export type Random = () => number

/** A small seeded PRNG, so a failure can be replayed with the same seed. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!
const int = (random: Random, max: number) => Math.floor(random() * max)

export const KNOWN_TOPIC = 'quantrac/v1/readings/fac-1/known-1'

/** A valid message of the known sensor and the readings it must yield. */
export function validMessage(random: Random, receivedAt: number) {
  const count = 1 + int(random, 4)
  const expected: Reading[] = []
  const readings = []
  for (let i = 0; i < count; i++) {
    const value = Math.round(random() * 1000) / 10
    const time = receivedAt - int(random, 3_600_000)
    readings.push({ factor: 'noise', value: 40 + value / 10, unit: 'dBA', ts: time })
    expected.push({ facilityId: 'fac-1', sensorId: 'known-1', factor: 'noise', value: 40 + value / 10, time })
  }
  return { topic: KNOWN_TOPIC, payload: Buffer.from(JSON.stringify({ readings })), expected }
}

const HOSTILE_TOPICS = [
  '',
  '/',
  'quantrac/v1/readings',
  'quantrac/v1/readings/fac-1',
  'quantrac/v1/readings/fac-1/known-1/extra',
  'quantrac/v1/readings/+/known-1',
  'quantrac/v1/readings/fac-1/#',
  'quantrac/v1/readings/fac-1/unknown-9',
  'quantrac/v1/readings/fac-2/known-1',
  'quantrac/v1/readings/fac-1/retired-1',
  `quantrac/v1/readings/fac-1/${'x'.repeat(65)}`,
  'quantrac/v1/readings/fac 1/known-1',
  'quantrac/v1/readings/fac-1/kn\u0000own',
  'quantrac/v1/readings/fác-1/known-1',
  '$SYS/broker/uptime',
  'quantrac/v2/readings/fac-1/known-1',
]

const HOSTILE_VALUES = [
  '1e309',
  '-1e309',
  '1e308',
  '-1e308',
  '"NaN"',
  'NaN',
  'Infinity',
  '-Infinity',
  'null',
  'true',
  '"87.5"',
  '-0',
  '-1',
  '-273.15',
  '195',
  '1000000001',
  '123456789012345678901234567890',
  '0.0000000000000000000001',
  '[87]',
  '{"v":87}',
  '0x10',
]

const HOSTILE_TS = [
  '0',
  '-1',
  '1',
  '8640000000000001',
  '9007199254740993',
  '1.5',
  '"2026-11-23"',
  '"2026-11-23T08:00:00"',
  '"yesterday"',
  '"2026-02-30T08:00:00Z"',
  '"+275760-09-13T00:00:00Z"',
  '"1970-01-01T00:00:00Z"',
  '"9999-12-31T23:59:59Z"',
  'null',
  '[]',
]

const UNITS = [
  'dBA',
  'dB(A)',
  'ppm',
  'ppb',
  'mg/m³',
  '°F',
  'K',
  '%',
  'dB',
  'furlongs',
  '',
  'x'.repeat(17),
  'DBA',
]

function utf8Garbage(random: Random): Buffer {
  const bad = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]]
  const before = Buffer.from('{"factor":"noise","value":8')
  return Buffer.concat([before, Buffer.from(pick(random, bad)), Buffer.from('7,"unit":"dBA"}')])
}

function deepJson(random: Random): string {
  const depth = 1000 + int(random, 7000)
  const open = random() < 0.5 ? '[' : '{"a":'
  const close = open === '[' ? ']' : '}'
  return `${open.repeat(depth)}1${close.repeat(depth)}`
}

function mutate(random: Random, text: string): Buffer {
  const bytes = Buffer.from(text)
  const out = Buffer.from(bytes)
  const edits = 1 + int(random, 4)
  for (let i = 0; i < edits; i++) out[int(random, out.length)] = int(random, 256)
  const cut = random() < 0.3 ? int(random, out.length) : out.length
  return out.subarray(0, cut)
}

function crafted(random: Random, receivedAt: number): string {
  const factor =
    random() < 0.8 ? pick(random, FACTOR_IDS) : pick(random, ['Noise', 'gas', 'gas.xx', '', '__proto__'])
  const value = random() < 0.6 ? pick(random, HOSTILE_VALUES) : String(random() * 200 - 50)
  const unit = random() < 0.7 ? pick(random, UNITS) : 'dBA'
  const ts =
    random() < 0.5
      ? pick(random, HOSTILE_TS)
      : String(
          receivedAt + pick(random, [-8 * 86_400_000, -86_400_000, 0, 4 * 60_000, 6 * 60_000, 86_400_000]),
        )
  const item = `{"factor":${JSON.stringify(factor)},"value":${value},"unit":${JSON.stringify(unit)},"ts":${ts}}`
  switch (int(random, 6)) {
    case 0:
      return `{"readings":[${Array.from({ length: pick(random, [0, 1, 64, 65, 300]) }, () => item).join(',')}]}`
    case 1:
      return `{"readings":[${item}],"extra":1}`
    case 2:
      return `{"__proto__":{"polluted":1},"factor":"noise","value":80,"unit":"dBA"}`
    case 3:
      return `{"factor":"noise","value":80,"unit":"dBA","factor":"gas.co"}`
    default:
      return item
  }
}

/** One hostile message: topic and payload. */
export function hostileCorpus(random: Random, receivedAt: number): { topic: string; payload: Buffer } {
  const topic = random() < 0.15 ? pick(random, HOSTILE_TOPICS) : KNOWN_TOPIC
  const kind = int(random, 10)
  let payload: Buffer
  if (kind === 0) payload = Buffer.from(Array.from({ length: int(random, 200) }, () => int(random, 256)))
  else if (kind === 1) payload = utf8Garbage(random)
  else if (kind === 2) payload = Buffer.from(deepJson(random))
  else if (kind === 3) payload = Buffer.alloc(16_385 + int(random, 1000), 0x20)
  else if (kind <= 5) payload = mutate(random, crafted(random, receivedAt))
  else payload = Buffer.from(crafted(random, receivedAt))
  return { topic, payload }
}
