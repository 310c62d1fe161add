// @ts-check
// What the account page's key and invitation forms share: the roles, and the reach each one needs.

export const ROLES = ['officer', 'contractor', 'regulator', 'admin']

/** Fills a role picker in the page's language, keeping the choice. */
export function roleOptions(select, tr) {
  const chosen = select.value
  select.replaceChildren(
    ...ROLES.map((role) => {
      const option = document.createElement('option')
      option.value = role
      option.textContent = tr.t(`account.role.${role}`)
      return option
    }),
  )
  if (chosen !== '') select.value = chosen
}

/** A contractor reaches its organisation's facilities, an officer one facility; the others everything. */
export function withReach(body, organisationId, facilityId) {
  if (body.role === 'contractor' && organisationId !== '') body.organisationId = organisationId
  if (body.role === 'officer' && facilityId !== '') body.facilityId = facilityId
  return body
}

/** 'revoked', 'expired' or 'active', as the API decides it. */
export function keyState(key) {
  if (key.revokedAt) return 'revoked'
  if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now()) return 'expired'
  return 'active'
}
