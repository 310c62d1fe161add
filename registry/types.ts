import type { Alert, AlertState } from '../core/alerts.ts'
import type { FactorId } from '../core/factors.ts'
import type { ProfileId } from '../core/limits/index.ts'
import type { ShiftPattern } from '../core/shifts.ts'

/** Facility owners, monitoring contractors, and the authorities that read across all of them. */
export const ORGANISATION_KINDS = ['owner', 'contractor', 'authority'] as const
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number]

export interface Organisation {
  id: string
  name: string
  kind: OrganisationKind
}

export interface Facility {
  id: string
  name: string
  province: string
  /** Sector or industry code, e.g. "garment", "coal-mining". */
  sector: string
  address: string
  /** The owning organisation, when registered. */
  ownerId?: string
  /** Contractor organisations that monitor this facility. */
  contractorIds: string[]
  /** Hazardous factors present at the facility: what its monitoring must cover. */
  hazards: FactorId[]
  /** The limit profile readings of this facility are judged against. */
  profile: ProfileId
  shifts: ShiftPattern
  workers: number
}

/** A zone or work position; its limit variant (e.g. `office`, 65 dBA under QCVN 24) overrides the profile. */
export interface Zone {
  id: string
  facilityId: string
  name: string
  limitVariant?: string
}

export const SENSOR_STATUSES = ['active', 'decommissioned'] as const
export type SensorStatus = (typeof SENSOR_STATUSES)[number]

export interface Sensor {
  id: string
  facilityId: string
  zoneId?: string
  /** The zone's name, for display. */
  zone: string
  /** The limit variant its readings are judged by: the sensor's own, else its zone's. */
  limitVariant?: string
  /** A variant set on the sensor itself (an office meter in a production zone). */
  sensorLimitVariant?: string
  zoneLimitVariant?: string
  model: string
  serial: string
  factors: FactorId[]
  /** Epoch ms of the last calibration and of the next one due. */
  calibratedAt?: number
  calibrationDue?: number
  status: SensorStatus
  /** How often the sensor reports, in seconds: the basis of the offline check. */
  reportingIntervalS: number
  /** Whether the sensor holds valid MQTT credentials (never the credentials themselves). */
  hasCredentials: boolean
  lastSeenAt?: number
}

/** What the broker and ingest need to judge a sensor's connection and messages. */
export interface SensorAccess {
  id: string
  facilityId: string
  status: SensorStatus
  /** Slow hash of the MQTT password; undefined when revoked or never issued. */
  secretHash?: string
  /** Raised on every rotation or revocation, so caches of verified passwords go stale at once. */
  credentialVersion: number
  reportingIntervalS: number
  /** The limit variant of the sensor, else of its zone (e.g. `office`), which overrides the facility's profile. */
  limitVariant?: string
}

export const ROLES = ['admin', 'regulator', 'contractor', 'officer'] as const
export type Role = (typeof ROLES)[number]

export interface ApiKey {
  id: string
  name: string
  role: Role
  /** Contractors: the organisation whose facilities the key may reach. */
  organisationId?: string
  /** Officers: the one facility the key may reach. */
  facilityId?: string
  createdAt: number
  revokedAt?: number
  /** Epoch ms from which the key is refused like a revoked one; undefined: it never expires. */
  expiresAt?: number
}

export interface PageRequest {
  limit: number
  offset: number
}

export interface Page<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

export interface FacilityQuery extends PageRequest {
  /** Only these facilities (a caller's scope); undefined means all. */
  ids?: readonly string[]
  province?: string
  sector?: string
}

export interface SensorQuery extends PageRequest {
  facilityIds?: readonly string[]
  status?: SensorStatus
}

export type NewFacility = Omit<Facility, 'contractorIds'> & { contractorIds?: string[] }
export type FacilityPatch = Partial<Omit<Facility, 'id'>>
export type NewSensor = Pick<Sensor, 'id' | 'facilityId' | 'model' | 'serial' | 'factors'> &
  Partial<
    Pick<Sensor, 'zoneId' | 'calibratedAt' | 'calibrationDue' | 'reportingIntervalS' | 'sensorLimitVariant'>
  >
export type SensorPatch = Partial<
  Pick<
    Sensor,
    'zoneId' | 'model' | 'serial' | 'factors' | 'calibratedAt' | 'calibrationDue' | 'reportingIntervalS'
  >
> & {
  /** null removes the sensor's own variant, so its zone's applies again. */
  sensorLimitVariant?: string | null
}

/**
 * Organisations, facilities, zones, sensors and API keys. SQLite in the embedded default; the interface is
 * async so a PostgreSQL implementation can take its place when several API and ingest instances share one
 * registry. Creating what exists throws ConflictError; referring to what does not, NotFoundError.
 */
export interface Registry {
  createOrganisation(organisation: Organisation): Promise<void>
  getOrganisation(id: string): Promise<Organisation | undefined>
  listOrganisations(page: PageRequest): Promise<Page<Organisation>>

  createFacility(facility: NewFacility): Promise<Facility>
  /** Creates or replaces: for seeding and CSV import. */
  upsertFacility(facility: NewFacility): Promise<Facility>
  updateFacility(id: string, patch: FacilityPatch): Promise<Facility>
  getFacility(id: string): Promise<Facility | undefined>
  listFacilities(query: FacilityQuery): Promise<Page<Facility>>
  /** Ids of the facilities a contractor organisation monitors. */
  facilitiesOfContractor(organisationId: string): Promise<string[]>

  createZone(zone: Zone): Promise<void>
  listZones(facilityId: string): Promise<Zone[]>

  createSensor(sensor: NewSensor, secretHash: string): Promise<Sensor>
  updateSensor(id: string, patch: SensorPatch): Promise<Sensor>
  getSensor(id: string): Promise<Sensor | undefined>
  listSensors(query: SensorQuery): Promise<Page<Sensor>>
  /** Replaces the MQTT secret (rotation) or removes it (revocation, `undefined`). */
  setSensorSecret(id: string, secretHash: string | undefined): Promise<void>
  /** Stops a sensor for good: its credentials go, its data stays. */
  decommissionSensor(id: string): Promise<Sensor>
  sensorAccess(id: string): Promise<SensorAccess | undefined>
  /** Every sensor's access facts, for ingest's in-memory directory. */
  /** Sensors by id after `afterId` (`''`: from the first), at most `limit`: a full read in pages. */
  sensorAccessPage(afterId: string, limit: number): Promise<SensorAccess[]>
  recordLastSeen(lastSeen: ReadonlyMap<string, number>): Promise<void>

  createApiKey(key: Omit<ApiKey, 'createdAt'>, secretHash: string): Promise<ApiKey>
  /** The key and its secret's hash, for authentication; revoked keys included (check `revokedAt`). */
  findApiKey(id: string): Promise<(ApiKey & { secretHash: string }) | undefined>
  listApiKeys(page: PageRequest): Promise<Page<ApiKey>>
  revokeApiKey(id: string): Promise<boolean>
}

export interface AlertQuery extends PageRequest {
  facilityId?: string
  /** Only alerts of these facilities (a caller's scope); undefined means all. */
  facilityIds?: readonly string[]
  /** `active` = open or acknowledged. */
  state?: AlertState | 'active'
}

export interface Acknowledgement {
  /** Who acknowledged: a name or the key's owner. */
  by: string
  at: number
  note?: string
}

/**
 * The current state of each alert; its history goes to the time-series store as events. Ingest saves what
 * it knows (values, level, open or cleared); people acknowledge. Neither overwrites the other.
 */
export interface AlertRepository {
  save(alert: Alert): Promise<void>
  get(id: string): Promise<Alert | undefined>
  list(query: AlertQuery): Promise<Page<Alert>>
  /** False when the alert does not exist, is cleared, or was already acknowledged. */
  acknowledge(id: string, acknowledgement: Acknowledgement): Promise<boolean>
}

/** Ingest's working state (exposure windows, open alerts), kept so a restart mid-shift loses nothing. */
export interface StateRepository {
  /** Every state whose key starts with `prefix`, by key. */
  loadStates(prefix: string): Promise<Map<string, unknown>>
  /** Saves several states at once (one transaction), each replacing what its key held. */
  saveStates(states: Iterable<readonly [key: string, value: unknown]>): Promise<void>
}
