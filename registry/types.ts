import type { Alert, AlertState } from '../core/alerts.ts'
import type { FactorId } from '../core/factors.ts'
import type { ProfileId } from '../core/limits/index.ts'

export interface Facility {
  id: string
  name: string
  province: string
  /** Sector or industry code, e.g. "garment", "coal-mining". */
  sector: string
  /** The limit profile readings of this facility are judged against. */
  profile: ProfileId
}

export interface Sensor {
  id: string
  facilityId: string
  model: string
  zone: string
  factors: FactorId[]
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

/**
 * Facilities and their sensors. SQLite in the embedded default; the interface is async so a PostgreSQL
 * implementation can take its place when several API and ingest instances share one registry.
 */
export interface Registry {
  upsertFacility(facility: Facility): Promise<void>
  upsertSensor(sensor: Sensor): Promise<void>
  getFacility(id: string): Promise<Facility | undefined>
  listFacilities(page: PageRequest): Promise<Page<Facility>>
  getSensor(id: string): Promise<Sensor | undefined>
  listSensors(query: PageRequest & { facilityId?: string }): Promise<Page<Sensor>>
}

export interface AlertQuery extends PageRequest {
  facilityId?: string
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
  loadState(key: string): Promise<unknown>
  saveState(key: string, value: unknown): Promise<void>
}
