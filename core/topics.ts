/**
 * MQTT topic scheme. Every topic starts with a versioned root so a future contract can live beside this one.
 *
 *   quantrac/v1/readings/{facilityId}/{sensorId}   sensor → platform: one reading or a batch (QoS 1)
 *   quantrac/v1/dead-letter                         ingest → anyone: messages that were rejected, with the reason
 *   quantrac/v1/live/{facilityId}/readings          ingest → API: accepted readings, normalised, batched
 *   quantrac/v1/live/{facilityId}/alerts            ingest, API → API: alerts as they change, sent at once
 *   quantrac/v1/live/{facilityId}/exposures         ingest → API: exposure figures (STEL, TWA, dose), batched
 *   quantrac/v1/live/{facilityId}/notices           ingest → API: an alert event for the people it names
 *                                                   (those who acknowledged an alert that escalated)
 *   quantrac/v1/registry/sensors/{sensorId}         API → broker, ingest: a sensor was added or changed
 *   quantrac/v1/registry/keys/{keyId}               API → API: an API key was revoked
 *   quantrac/v1/registry/users/{userId}             API → API: a person was disabled or signed out
 *   quantrac/v1/registry/facilities/{facilityId}    API → API, ingest: a facility changed (who reaches it,
 *                                                   its profile or shift pattern)
 *
 * Registry announcements carry no payload: whoever hears one reads the registry again. Sensors may publish
 * only to their own readings topic and subscribe to nothing; the other topics are for quantrac's services
 * (broker/access.ts).
 *
 * Client ids: a sensor connects with its sensor id as client id; ids starting with `quantrac-` are the
 * services' (`quantrac-ingest`, `quantrac-api-…`) and no sensor may be registered under one.
 */
export const TOPIC_ROOT = 'quantrac/v1'

/** Facility and sensor ids: letters, digits, `_`, `-` and `.`, so they are safe in topics, tags and URLs. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

/** Client ids (and so sensor ids) starting with this are reserved for quantrac's services. */
export const SERVICE_CLIENT_ID_PREFIX = 'quantrac-'

export function isServiceClientId(id: string): boolean {
  return id.startsWith(SERVICE_CLIENT_ID_PREFIX)
}

export const READINGS_SUBSCRIPTION = `${TOPIC_ROOT}/readings/+/+`
export const DEAD_LETTER_TOPIC = `${TOPIC_ROOT}/dead-letter`
/** Every facility's notices: they go to the keys they name, whatever facility those keys' sockets watch. */
export const LIVE_NOTICES_SUBSCRIPTION = `${TOPIC_ROOT}/live/+/notices`
export const SENSOR_CHANGES_SUBSCRIPTION = `${TOPIC_ROOT}/registry/sensors/+`

export function sensorChangeTopic(sensorId: string): string {
  return `${TOPIC_ROOT}/registry/sensors/${sensorId}`
}

const SENSOR_CHANGE_PREFIX = `${TOPIC_ROOT}/registry/sensors/`

/** The sensor id of a registry change notification, or undefined. */
export function parseSensorChangeTopic(topic: string): string | undefined {
  if (!topic.startsWith(SENSOR_CHANGE_PREFIX)) return undefined
  const sensorId = topic.slice(SENSOR_CHANGE_PREFIX.length)
  return ID_PATTERN.test(sensorId) ? sensorId : undefined
}

export const KEY_CHANGES_SUBSCRIPTION = `${TOPIC_ROOT}/registry/keys/+`
export const USER_CHANGES_SUBSCRIPTION = `${TOPIC_ROOT}/registry/users/+`
export const FACILITY_CHANGES_SUBSCRIPTION = `${TOPIC_ROOT}/registry/facilities/+`
/** What ingest hears of the registry: sensors (who may publish what) and facilities (profiles, shifts). */
export const REGISTRY_ANNOUNCEMENTS = [SENSOR_CHANGES_SUBSCRIPTION, FACILITY_CHANGES_SUBSCRIPTION] as const
const KEY_CHANGE_PREFIX = `${TOPIC_ROOT}/registry/keys/`
const USER_CHANGE_PREFIX = `${TOPIC_ROOT}/registry/users/`
const FACILITY_CHANGE_PREFIX = `${TOPIC_ROOT}/registry/facilities/`
/** API key ids as tokens carry them (`qk_{id}_{secret}`). */
const KEY_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/

export function keyChangeTopic(keyId: string): string {
  return `${KEY_CHANGE_PREFIX}${keyId}`
}

export function userChangeTopic(userId: string): string {
  return `${USER_CHANGE_PREFIX}${userId}`
}

export function facilityChangeTopic(facilityId: string): string {
  return `${FACILITY_CHANGE_PREFIX}${facilityId}`
}

/** What a key, user or facility announcement is about, or undefined for any other topic. */
export function parseAccessChangeTopic(
  topic: string,
):
  | { kind: 'key'; keyId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'facility'; facilityId: string }
  | undefined {
  if (topic.startsWith(USER_CHANGE_PREFIX)) {
    const userId = topic.slice(USER_CHANGE_PREFIX.length)
    return KEY_ID_PATTERN.test(userId) ? { kind: 'user', userId } : undefined
  }
  if (topic.startsWith(KEY_CHANGE_PREFIX)) {
    const keyId = topic.slice(KEY_CHANGE_PREFIX.length)
    return KEY_ID_PATTERN.test(keyId) ? { kind: 'key', keyId } : undefined
  }
  if (topic.startsWith(FACILITY_CHANGE_PREFIX)) {
    const facilityId = topic.slice(FACILITY_CHANGE_PREFIX.length)
    return ID_PATTERN.test(facilityId) ? { kind: 'facility', facilityId } : undefined
  }
  return undefined
}

/** Every sensor's readings of one facility: what a partitioned ingest worker subscribes to. */
export function facilityReadingsSubscription(facilityId: string): string {
  return `${TOPIC_ROOT}/readings/${facilityId}/+`
}

export function readingsTopic(facilityId: string, sensorId: string): string {
  return `${TOPIC_ROOT}/readings/${facilityId}/${sensorId}`
}

export const LIVE_KINDS = ['readings', 'alerts', 'exposures', 'notices'] as const
export type LiveKind = (typeof LIVE_KINDS)[number]

export function liveTopic(facilityId: string, kind: LiveKind): string {
  return `${TOPIC_ROOT}/live/${facilityId}/${kind}`
}

/**
 * What an API instance subscribes to for one facility its sockets watch: each kind but notices by name, so
 * no message matches this and LIVE_NOTICES_SUBSCRIPTION both (a broker MAY then deliver it twice [MQTT-3.3.5-1]).
 */
export function liveFacilityFilters(facilityId: string): string[] {
  return LIVE_KINDS.filter((kind) => kind !== 'notices').map((kind) => liveTopic(facilityId, kind))
}

const READINGS_PREFIX = `${TOPIC_ROOT}/readings/`
const LIVE_PREFIX = `${TOPIC_ROOT}/live/`

export interface SensorAddress {
  facilityId: string
  sensorId: string
}

/** Parses a sensor's readings topic; undefined when the topic is not one, or an id is malformed. */
export function parseReadingsTopic(topic: string): SensorAddress | undefined {
  if (!topic.startsWith(READINGS_PREFIX)) return undefined
  const slash = topic.indexOf('/', READINGS_PREFIX.length)
  if (slash === -1) return undefined
  const facilityId = topic.slice(READINGS_PREFIX.length, slash)
  const sensorId = topic.slice(slash + 1)
  if (!ID_PATTERN.test(facilityId) || !ID_PATTERN.test(sensorId)) return undefined
  return { facilityId, sensorId }
}

export function parseLiveTopic(topic: string): { facilityId: string; kind: LiveKind } | undefined {
  if (!topic.startsWith(LIVE_PREFIX)) return undefined
  const [facilityId, kind, extra] = topic.slice(LIVE_PREFIX.length).split('/')
  if (facilityId === undefined || extra !== undefined || !ID_PATTERN.test(facilityId)) return undefined
  if (!LIVE_KINDS.includes(kind as LiveKind)) return undefined
  return { facilityId, kind: kind as LiveKind }
}
