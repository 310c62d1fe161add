// @ts-check
// The account page's API keys: an admin's every key, a person's own, with role, reach, expiry and state;
// create one (the token shown once; a person's has their grant's role and reach, fixed in the form), revoke
// one (it stops at once, its open live connections close).

import { roleOptions, keyState as stateOf, withReach } from './account-roles.js'
import { getJson, sendJson } from './api-client.js'
import { $, element, table } from './dom.js'

let bound = false
/** Whose keys the page shows: the latest GET /api/v1/session answer. */
let current

function say(view, key, values) {
  $('keys-message').textContent = view.tr.t(key, values)
  $('keys-message').hidden = false
}

/** `me` is GET /api/v1/session's answer: whose keys these are. */
export async function loadKeys(view, me) {
  current = me
  const { tr } = view
  roleOptions($('key-role'), tr)
  const own = me.role !== 'admin'
  if (own) {
    $('key-role').value = me.role
    $('key-organisation').value = me.organisationId ?? ''
    $('key-facility').value = me.role === 'officer' ? (me.facilities[0] ?? '') : ''
  }
  $('key-role').disabled = own
  $('key-organisation').readOnly = own
  $('key-facility').readOnly = own
  $('keys-heading').textContent = tr.t(own ? 'account.ownKeysTitle' : 'account.keysTitle')
  if (!bound) {
    bound = true
    $('key-create-form').addEventListener('submit', async (event) => {
      event.preventDefault()
      const expires = $('key-expires').value
      const body = withReach(
        { name: $('key-name').value.trim(), role: $('key-role').value },
        $('key-organisation').value.trim(),
        $('key-facility').value.trim(),
      )
      if (expires !== '') body.expiresAt = new Date(`${expires}T23:59:59`).toISOString()
      const { status, answer } = await sendJson('POST', '/api/v1/keys', body)
      if (status !== 201) return say(view, 'account.refused', { message: answer.message ?? status })
      $('key-token').textContent = answer.token
      $('key-created').hidden = false
      say(view, 'account.keyCreated', { name: answer.key.name })
      $('key-create-form').reset()
      await loadKeys(view, current)
    })
  }
  const page = await getJson('/api/v1/keys?limit=500')
  table(
    'keys-table',
    [
      tr.t('account.keyName'),
      tr.t('account.role'),
      tr.t('account.reach'),
      tr.t('account.keyExpires'),
      tr.t('account.state'),
      '',
    ],
    page.items.map((key) => {
      const keyState = stateOf(key)
      let action = ''
      if (keyState === 'active') {
        const revoke = element('button', 'button-secondary key-revoke', tr.t('account.revoke'))
        revoke.type = 'button'
        revoke.dataset.keyId = key.id
        revoke.addEventListener('click', async () => {
          const { status, answer } = await sendJson('DELETE', `/api/v1/keys/${encodeURIComponent(key.id)}`)
          if (status !== 204) return say(view, 'account.refused', { message: answer.message ?? status })
          say(view, 'account.keyRevoked', { name: key.name })
          await loadKeys(view, current)
        })
        action = revoke
      }
      return [
        key.name,
        tr.t(`account.role.${key.role}`),
        key.organisationId ?? key.facilityId ?? tr.t('account.reachAll'),
        key.expiresAt ? tr.time(key.expiresAt) : tr.t('account.never'),
        tr.t(`account.keyState.${keyState}`),
        action,
      ]
    }),
    tr.t('account.noKeys'),
  )
  for (const [index, row] of [...$('keys-table').querySelectorAll('tbody tr')].entries()) {
    const key = page.items[index]
    if (key !== undefined) row.dataset.keyName = key.name
  }
}
