import type { ApiKey, Role } from '../types.ts'

/** An API key row: both registries read it as it is stored. */
export interface ApiKeyRow {
  id: string
  name: string
  role: Role
  organisation_id: string | null
  facility_id: string | null
  secret_hash: string
  created_at: number
  revoked_at: number | null
  expires_at: number | null
  owner_user_id: string | null
}

export function toApiKey(row: ApiKeyRow): ApiKey {
  const key: ApiKey = { id: row.id, name: row.name, role: row.role, createdAt: row.created_at }
  if (row.organisation_id !== null) key.organisationId = row.organisation_id
  if (row.facility_id !== null) key.facilityId = row.facility_id
  if (row.revoked_at !== null) key.revokedAt = row.revoked_at
  if (row.expires_at !== null) key.expiresAt = row.expires_at
  if (row.owner_user_id !== null) key.ownerUserId = row.owner_user_id
  return key
}

/** The columns of a new key as `apiKeyValues` gives them, in that order. */
export const API_KEY_COLUMNS =
  'id, name, role, organisation_id, facility_id, secret_hash, created_at, expires_at, owner_user_id'

export function apiKeyValues(
  key: Omit<ApiKey, 'createdAt'>,
  secretHash: string,
  createdAt: number,
): (string | number | null)[] {
  return [
    key.id,
    key.name,
    key.role,
    key.organisationId ?? null,
    key.facilityId ?? null,
    secretHash,
    createdAt,
    key.expiresAt ?? null,
    key.ownerUserId ?? null,
  ]
}
