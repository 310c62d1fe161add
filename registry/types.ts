import type { AlertEvent, Changed, Detection } from '../core/alert-lifecycle.ts'
import type { Alert, AlertKind, AlertLevel, AlertState, ResolutionReason } from '../core/alerts.ts'
import type { Campaign } from '../core/campaigns.ts'
import type { CommissioningProgress } from '../core/commissioning.ts'
import type { FactorId } from '../core/factors.ts'
import type { ProfileId } from '../core/limits/index.ts'
import type {
  Channel,
  EscalationPolicy,
  Language,
  NotificationState,
  PlannedNotification,
  WebhookSecrets,
} from '../core/notifications.ts'
import type { FacilityShift, ShiftPattern } from '../core/shifts.ts'

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
  /** A unit of the 34-province list in force since 2025-07-01 (core/provinces), by its current name. */
  province: string
  /** Its 2-digit code; '' for a row written before the list was checked whose name fits no unit. */
  provinceCode: string
  /** The pre-2025 unit the facility was registered under, when it was given by that name. */
  formerProvince?: string
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
  /**
   * Epoch ms from which the facility is in the registry (given, or the time it was created): a report does
   * not count it in a period that ended before. Undefined for facilities registered before the date was kept.
   */
  registeredAt?: number
}

/** A zone or work position; its limit variant (e.g. `office`, 65 dBA under QCVN 24) overrides the profile. */
export interface Zone {
  id: string
  facilityId: string
  name: string
  limitVariant?: string
  /** Workers at this zone or position: whom to examine when a factor exceeds its limit here. */
  workers?: number
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
  /** What ingest saw while the sensor was commissioned, and when its checklist was met (core/commissioning.ts). */
  commissioning: CommissioningProgress
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
  /** What it is registered to measure: readings of other factors are refused. */
  factors: FactorId[]
  /** The limit variant of the sensor, else of its zone (e.g. `office`), which overrides the facility's profile. */
  limitVariant?: string
  /** Epoch ms its calibration falls due: the basis of its exposure verdicts (core/exposure/verdicts.ts). */
  calibrationDue?: number
  calibratedAt?: number
  /** Whether its commissioning checklist was met: ingest follows the readings of the others only. */
  commissioned: boolean
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
  /** The person who made it for their own use; undefined for keys made by an admin or the command line. */
  ownerUserId?: string
}

/** One thing a person may do: a role and its reach, exactly as an API key has them. */
export interface Grant {
  id: string
  role: Role
  /** Contractors: the organisation whose facilities the grant reaches. */
  organisationId?: string
  /** Officers: the one facility the grant reaches. */
  facilityId?: string
}

/** A person who signs in with e-mail and password; one person may hold several grants. */
export interface User {
  id: string
  /** Trimmed and lower-cased (registry/accounts.ts normaliseEmail): unique however it is typed. */
  email: string
  name: string
  grants: Grant[]
  createdAt: number
  /** Epoch ms from which the person cannot sign in and every session of theirs is refused. */
  disabledAt?: number
}

export type NewUser = Omit<User, 'createdAt' | 'disabledAt' | 'grants'> & { grants: Grant[] }

/** A signed-in session, kept by the SHA-256 of its id (the cookie holds the id itself). */
export interface UserSession {
  userId: string
  /** The grant the session acts under. */
  grantId: string
  createdAt: number
  /** The last request: idle expiry counts from here. */
  lastSeenAt: number
  /** Absolute expiry, whatever the activity. */
  expiresAt: number
}

/** What an e-mailed account link is for (#18): setting a new password, or a first one for an invited person. */
export const ACCOUNT_TOKEN_PURPOSES = ['password-reset', 'invitation'] as const
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number]

/** A single-use, expiring account link, kept by the SHA-256 of its token. */
export interface AccountToken {
  purpose: AccountTokenPurpose
  userId: string
  createdAt: number
  expiresAt: number
  usedAt?: number
}

/** A token used (the person and what it was for), or why it was not. */
export type TokenRedemption =
  | { user: User; purpose: AccountTokenPurpose }
  | { refused: 'unknown' | 'used' | 'expired' | 'disabled' }

/** A person's TOTP second factor (RFC 6238): enrolled, and in force once confirmed with a code. */
export interface TotpFactor {
  /** base32, as authenticator apps take it. */
  secret: string
  confirmedAt?: number
  /** The last time step a code was accepted at: no code is good twice. */
  lastStep?: number
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
  /** A current unit's 2-digit code. */
  provinceCode?: string
  sector?: string
}

export interface CampaignQuery extends PageRequest {
  /** Only campaigns of these facilities (a caller's scope, or one facility); undefined means all. */
  facilityIds?: readonly string[]
  /** Only campaigns counting at or after / before these instants (epoch ms; see campaignCountsAt). */
  countsFrom?: number
  countsBefore?: number
}

export interface SensorQuery extends PageRequest {
  facilityIds?: readonly string[]
  status?: SensorStatus
}

/**
 * A facility to write. `province` may be written as people write it (an old unit's name, a current code):
 * the registry keeps the current unit it resolves to, and the old unit's name when it was one.
 */
export type NewFacility = Omit<Facility, 'contractorIds' | 'provinceCode'> & { contractorIds?: string[] }
export type FacilityPatch = Partial<Omit<NewFacility, 'id'>>
export type NewSensor = Pick<Sensor, 'id' | 'facilityId' | 'model' | 'serial' | 'factors'> &
  Partial<
    Pick<Sensor, 'zoneId' | 'calibratedAt' | 'calibrationDue' | 'reportingIntervalS' | 'sensorLimitVariant'>
  > & {
    /**
     * For a sensor commissioned before it was entered here (history written by backfill, a fleet moved from
     * elsewhere): counted as commissioned from then. The API never takes it: a new sensor earns it from its readings.
     */
    commissionedAt?: number
  }
export type SensorPatch = Partial<
  Pick<
    Sensor,
    'zoneId' | 'model' | 'serial' | 'factors' | 'calibratedAt' | 'calibrationDue' | 'reportingIntervalS'
  >
> & {
  /** null removes the sensor's own variant, so its zone's applies again. */
  sensorLimitVariant?: string | null
}

/** What people and keys change, as the audit trail names it. */
export const AUDIT_ACTIONS = [
  'alert.acknowledge',
  'alert.resolve',
  'sensor.register',
  'sensor.change',
  'sensor.rotate-credentials',
  'sensor.revoke-credentials',
  'sensor.decommission',
  'facility.register',
  'facility.change',
  'facility.import',
  'zone.add',
  'zone.change',
  'campaign.record',
  'campaign.import',
  'campaign.withdraw',
  'organisation.register',
  'key.create',
  'key.revoke',
  'notification-channel.create',
  'notification-channel.change',
  'notification-channel.delete',
  'escalation.set',
  'escalation.delete',
  'user.create',
  'user.disable',
  'user.sign-in',
  'user.sign-out',
  'user.sign-out-everywhere',
  'user.password-reset-request',
  'user.password-set',
  'user.invite',
  'user.totp-enrol',
  'user.totp-confirm',
  'user.totp-remove',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export const AUDIT_TARGETS = [
  'alert',
  'sensor',
  'facility',
  'zone',
  'campaign',
  'organisation',
  'key',
  'notification-channel',
  'escalation',
  'user',
] as const
export type AuditTarget = (typeof AUDIT_TARGETS)[number]

/** Who made a change: an API key (id, name, role), or the command line, which has no key. */
export interface AuditActor {
  /** The API key's id, or `user:{id}` for a person signed in (no key id has a colon). */
  keyId?: string
  name: string
  role: Role
}

/** One change, as it is recorded. */
export interface AuditRecord {
  at: number
  actor: AuditActor
  action: AuditAction
  /** The facility the change concerns; none for keys and organisations. */
  facilityId?: string
  target: { type: AuditTarget; id: string }
  /** The thing before and after the change, as the API shows it (never a secret); absent for none. */
  before?: unknown
  after?: unknown
}

export interface AuditEntry extends AuditRecord {
  id: number
}

export interface AuditQuery extends PageRequest {
  /** Only entries about one of these facilities (a caller's scope); undefined means no such limit. */
  facilityIds?: readonly string[]
  /** Only entries about a facility: what a caller who is not an admin may read. */
  facilityBound?: boolean
  facilityId?: string
  actorKeyId?: string
  action?: AuditAction
  /** Epoch ms, [from, to). */
  from?: number
  to?: number
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
  /** Sets (or, with undefined, forgets) a zone's number of workers; NotFoundError when the zone is not the facility's. */
  setZoneWorkers(facilityId: string, zoneId: string, workers: number | undefined): Promise<void>
  /** NotFoundError when the zone is not the facility's. */
  renameZone(facilityId: string, zoneId: string, name: string): Promise<void>

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
  /** Replaces the commissioning progress of these sensors (ingest's, core/commissioning.ts); unknown ids are skipped. */
  recordCommissioning(progress: ReadonlyMap<string, CommissioningProgress>): Promise<void>

  /** Records campaigns, all or none (a CSV import is one call). */
  createCampaigns(campaigns: readonly Campaign[]): Promise<void>
  getCampaign(id: string): Promise<Campaign | undefined>
  /** Newest last day first. */
  listCampaigns(query: CampaignQuery): Promise<Page<Campaign>>
  /** False when there was no such campaign. */
  deleteCampaign(id: string): Promise<boolean>

  createApiKey(key: Omit<ApiKey, 'createdAt'>, secretHash: string): Promise<ApiKey>
  /** The key and its secret's hash, for authentication; revoked keys included (check `revokedAt`). */
  findApiKey(id: string): Promise<(ApiKey & { secretHash: string }) | undefined>
  /** Every key, or only those one person owns. */
  listApiKeys(page: PageRequest, filter?: { ownerUserId?: string }): Promise<Page<ApiKey>>
  revokeApiKey(id: string): Promise<boolean>

  /** ConflictError when the e-mail is taken; NotFoundError when a grant's organisation or facility is not. */
  createUser(user: NewUser, passwordHash: string): Promise<User>
  getUser(id: string): Promise<User | undefined>
  /** The person and their password's hash, for signing in; disabled people included (check `disabledAt`). */
  findUserByEmail(email: string): Promise<(User & { passwordHash: string }) | undefined>
  listUsers(page: PageRequest): Promise<Page<User>>
  /** Replaces the password's hash and ends every session of the person, in one transaction; NotFoundError for nobody. */
  setUserPassword(id: string, passwordHash: string): Promise<void>
  /**
   * Disables the person, ends every session of theirs and revokes the keys they own, in one transaction;
   * false when already disabled or unknown.
   */
  disableUser(id: string, at: number): Promise<boolean>
  createSession(idHash: string, session: UserSession): Promise<void>
  findSession(idHash: string): Promise<UserSession | undefined>
  /** Records a request of the session at `at` (the idle expiry counts from it). */
  touchSession(idHash: string, at: number): Promise<void>
  deleteSession(idHash: string): Promise<boolean>
  /** Ends every session of a person; returns how many there were. */
  deleteUserSessions(userId: string): Promise<number>
  createAccountToken(idHash: string, token: Omit<AccountToken, 'usedAt'>): Promise<void>
  /**
   * Uses an account link at `at`, in one transaction: it must exist, be unused and unexpired, its person
   * not disabled; then it is marked used with every other unused link of the person (a password is set:
   * an older link must not set another), the password replaced, every session of the person ended.
   */
  redeemAccountToken(idHash: string, at: number, passwordHash: string): Promise<TokenRedemption>
  /** The person's second factor, confirmed or not; undefined when none is enrolled. */
  getTotp(userId: string): Promise<TotpFactor | undefined>
  /** Enrols a new secret, unconfirmed (replacing any unconfirmed one); undefined removes the factor and its recovery codes. */
  setTotpSecret(userId: string, secret: string | undefined): Promise<void>
  /** Puts the enrolled factor in force at `at`, with the hashes of fresh recovery codes (replacing any). */
  confirmTotp(userId: string, at: number, step: number, recoveryCodeHashes: readonly string[]): Promise<void>
  /** Records a code accepted at `step`; false when that step (or a later one) was used already: a replay. */
  useTotpStep(userId: string, step: number): Promise<boolean>
  /** Uses up a recovery code; false when it is not one of the person's unused codes. */
  useRecoveryCode(userId: string, codeHash: string, at: number): Promise<boolean>

  /**
   * The shifts ingest opened at each facility, as it opened them (written by ingest, read by the API): a
   * figure is reported on the shift it was judged on even after the facility's pattern changed.
   */
  recordShifts(shifts: readonly FacilityShift[]): Promise<void>
  /** The recorded shifts with these starts; those not recorded are absent. */
  findShifts(keys: readonly { facilityId: string; start: number }[]): Promise<FacilityShift[]>

  /** Appends to the audit trail. There is no way to change or remove an entry. */
  recordAudit(record: AuditRecord): Promise<AuditEntry>
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>
}

// The parts of the Registry that each implementation builds in a module of its own.

export type FacilityMethods = Pick<
  Registry,
  | 'createOrganisation'
  | 'getOrganisation'
  | 'listOrganisations'
  | 'createFacility'
  | 'upsertFacility'
  | 'updateFacility'
  | 'getFacility'
  | 'listFacilities'
  | 'facilitiesOfContractor'
  | 'createZone'
  | 'listZones'
  | 'setZoneWorkers'
  | 'renameZone'
>

export type SensorMethods = Pick<
  Registry,
  | 'createSensor'
  | 'updateSensor'
  | 'getSensor'
  | 'listSensors'
  | 'setSensorSecret'
  | 'decommissionSensor'
  | 'sensorAccess'
  | 'sensorAccessPage'
  | 'recordLastSeen'
  | 'recordCommissioning'
>

export type CampaignMethods = Pick<
  Registry,
  'createCampaigns' | 'getCampaign' | 'listCampaigns' | 'deleteCampaign'
>

export interface AlertQuery extends PageRequest {
  facilityId?: string
  /** Only alerts of these facilities (a caller's scope); undefined means all. */
  facilityIds?: readonly string[]
  sensorId?: string
  factor?: FactorId
  kind?: AlertKind
  level?: AlertLevel
  /** `active` = open or acknowledged. */
  state?: AlertState | 'active'
  /** Epoch ms: alerts active at some time in [from, to), i.e. opened before `to` and not closed before `from`. */
  from?: number
  to?: number
  /** Resolved with this reason. */
  reason?: ResolutionReason
  /** `newest` (default): newest opened first; `severity`: critical, alarm, warning, each newest first. */
  sort?: AlertSort
}

export const ALERT_SORTS = ['newest', 'severity'] as const
export type AlertSort = (typeof ALERT_SORTS)[number]

/** A person's act on an alert: who (from the API key), when, and a free-text note. */
export interface AlertRequest {
  actor: AuditActor
  at: number
  note?: string
}

/** An event of the alert event log, with its position. */
export interface LoggedAlertEvent {
  seq: number
  event: AlertEvent
}

/**
 * The alert register: the one owner of alert state. Ingest reports what its tracker detected, people
 * acknowledge and resolve through the API; each call applies core/alert-lifecycle.ts to the stored alert
 * in one transaction, appends the resulting events to the alert event log, and (for people's acts) the
 * audit entry. The API and ingest may run in different processes: the register is where they meet.
 */
export interface AlertRepository {
  /** Applies a transition of ingest's tracker; returns the events it caused (none if it changed nothing). */
  recordDetection(detection: Detection): Promise<AlertEvent[]>
  /**
   * Applies the transitions one reading caused, in order, in one transaction. A partitioned worker names
   * its `lease` (FencedError once the partition has a newer owner: nothing is applied) and the tracker's
   * state after them (`states`), saved in the same transaction: a new owner of the partition then knows
   * every alert the register does, and opens none twice.
   */
  recordDetections(detections: readonly Detection[], fenced?: FencedStates): Promise<AlertEvent[]>
  /** Throws NotFoundError for an unknown id, ConflictError when its state does not allow it. */
  acknowledgeAlert(id: string, request: AlertRequest): Promise<Changed>
  resolveAlert(id: string, request: AlertRequest & { reason: ResolutionReason }): Promise<Changed>
  get(id: string): Promise<Alert | undefined>
  /** Newest first. */
  list(query: AlertQuery): Promise<Page<Alert>>
  /** The event log after position `seq`, oldest first, at most `limit`: what the store is fed from. */
  alertEventsAfter(seq: number, limit: number): Promise<LoggedAlertEvent[]>
}

/** Ingest's working state (exposure windows, open alerts), kept so a restart mid-shift loses nothing. */
export interface StateRepository {
  /** Every state whose key starts with `prefix`, by key. */
  loadStates(prefix: string): Promise<Map<string, unknown>>
  /** Saves several states at once (one transaction), each replacing what its key held. */
  saveStates(states: Iterable<readonly [key: string, value: unknown]>): Promise<void>
  /** Deletes the states of these keys at once (one transaction), those there are. */
  deleteStates(keys: Iterable<string>): Promise<void>
  /**
   * Saves several partitions' states in one transaction, each group only while its lease is its
   * partition's current one; returns the partitions whose group was refused (another worker took them).
   */
  saveFencedStates(groups: readonly FencedStates[]): Promise<number[]>
}

/** A partition's states, written under its lease. */
export interface FencedStates {
  lease: PartitionLease
  states: readonly (readonly [key: string, value: unknown])[]
}

/**
 * A worker's hold on one facility partition (core/partitions.ts). It is the partition's current one while
 * `epoch` is: each change of owner raises it, and every write of the partition's state checks it.
 */
export interface PartitionLease {
  partition: number
  owner: string
  epoch: number
  /** Epoch ms, by the registry's clock: past it, any worker may claim the partition. */
  expiresAt: number
}

/** Who owns which partition (README, Scaling out → Partitioned ingest): the registry is where workers meet. */
export interface PartitionLeaseRepository {
  /** Notes the worker alive for `ttlMs` more; returns how many workers are alive, itself included. */
  heartbeat(workerId: string, ttlMs: number): Promise<number>
  /** Claims up to `max` partitions no live lease holds, lowest first, each with its epoch raised by one. */
  claimPartitions(workerId: string, max: number, ttlMs: number): Promise<PartitionLease[]>
  /** Extends the leases that are still current (same owner and epoch), for `ttlMs`; returns those. */
  renewLeases(leases: readonly PartitionLease[], ttlMs: number): Promise<PartitionLease[]>
  /** Gives the leases up (a rebalance, a shutdown): their partitions may be claimed at once. */
  releaseLeases(leases: readonly PartitionLease[]): Promise<void>
  /** Every partition's lease as it stands, by partition: for /health and the tests. */
  listLeases(): Promise<PartitionLease[]>
  /** Forgets the worker (a clean shutdown), so the others count one fewer at once. */
  retireWorker(workerId: string): Promise<void>
}

/** A message ingest refused from a registered sensor, as a person commissioning it reads it. */
export interface SensorRejection {
  sensorId: string
  /** Epoch ms. */
  receivedAt: number
  topic: string
  /** One of ingest's rejection reasons (`schema`, `unit`, `range`, `unregistered-factor`, `rate-limited`…). */
  reason: string
  /** What was wrong, naming the field: `value: expected a number, got "loud"`. */
  detail: string
  /** The start of the payload. */
  payload: string
}

/**
 * Each sensor's recent rejections, newest first and bounded per sensor: written by ingest, read by the API
 * (another process when the parts run apart), hence kept in the registry.
 */
export interface RejectionLog {
  recordRejections(rejections: readonly SensorRejection[]): Promise<void>
  listRejections(sensorId: string, page: PageRequest): Promise<Page<SensorRejection>>
}

/** An outbox row: a notification planned, and how its sending went. */
export interface StoredNotification extends PlannedNotification {
  id: number
  state: NotificationState
  /** Attempts made so far. */
  attempts: number
  createdAt: number
  nextAttemptAt: number
  sentAt?: number
  lastError?: string
}

export interface NotificationAttempt {
  attempt: number
  at: number
  /** `interrupted`: the process stopped while sending; the message may have gone out (sent again, same key). */
  outcome: 'sent' | 'failed' | 'interrupted'
  error?: string
}

export interface AckToken {
  notificationId: number
  alertId: string
  /** Whom the message went to: the name the acknowledgement carries. */
  contact: string
  language: Language
  expiresAt: number
  usedAt?: number
}

/**
 * Notification channels and escalation policies per facility, the outbox, and the ack links' tokens
 * (registry migration 015). Writers of the outbox: notify/ (planner and dispatcher).
 */
export interface NotificationRepository {
  createChannel(channel: Channel, secrets?: WebhookSecrets): Promise<Channel>
  /** Replaces the channel; secrets are kept unless new ones are given. */
  updateChannel(channel: Channel, secrets?: WebhookSecrets): Promise<Channel>
  deleteChannel(facilityId: string, channelId: string): Promise<boolean>
  getChannel(facilityId: string, channelId: string): Promise<Channel | undefined>
  listChannels(facilityId: string): Promise<Channel[]>
  webhookSecrets(facilityId: string, channelId: string): Promise<WebhookSecrets | undefined>

  getEscalationPolicy(facilityId: string): Promise<EscalationPolicy | undefined>
  setEscalationPolicy(policy: EscalationPolicy): Promise<void>
  deleteEscalationPolicy(facilityId: string): Promise<boolean>

  /** Writes what is not there yet (by idempotency key); returns how many were new. */
  enqueueNotifications(planned: readonly PlannedNotification[], at: number): Promise<number>
  /** Channel id → the contacts sent something about the alert. */
  notifiedContacts(alertId: string): Promise<Map<string, string[]>>
  /**
   * Takes up to `limit` rows that are due (queued or retrying), or whose claim ran out while sending (a
   * process that stopped: recorded as an `interrupted` attempt), and holds them for `leaseMs`.
   */
  claimDueNotifications(now: number, limit: number, leaseMs: number): Promise<StoredNotification[]>
  /** Sent: records the attempt and, in the same transaction, the next round of an escalation if any. */
  recordSent(id: number, at: number, next?: Omit<PlannedNotification, 'alertEvent'>): Promise<void>
  /** Failed: `retryAt` undefined gives up (state `failed`). */
  recordFailure(id: number, at: number, error: string, retryAt: number | undefined): Promise<void>
  /** Puts a claimed row back unsent until `until` (quiet hours), without counting an attempt. */
  deferNotification(id: number, until: number, reason: string): Promise<void>
  cancelNotification(id: number, reason: string): Promise<void>
  /** Cancels the escalation steps of an alert still waiting (someone acknowledged it, or it closed). */
  cancelPendingSteps(alertId: string, reason: string): Promise<number>
  /** Oldest first, each with its attempts. */
  listNotifications(alertId: string): Promise<(StoredNotification & { attemptLog: NotificationAttempt[] })[]>

  createAckToken(hash: string, token: AckToken & { createdAt: number }): Promise<void>
  findAckToken(hash: string): Promise<AckToken | undefined>
  /** Marks it used if it is unused and unexpired at `at`; false otherwise. */
  useAckToken(hash: string, at: number): Promise<boolean>
  /** Makes a token usable again after the acknowledgement it was used for failed for another reason. */
  releaseAckToken(hash: string): Promise<void>
}

/** Everything the registry's database holds, as storage opens it: SQLite on one machine, or PostgreSQL. */
export type RegistryDatabase = Registry &
  AlertRepository &
  StateRepository &
  PartitionLeaseRepository &
  RejectionLog &
  NotificationRepository & { close(): void | Promise<void> }
