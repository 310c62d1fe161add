// @ts-check
// The account page's people (admins): everyone who signs in, with their grants and state; invite one by
// e-mail with a grant (they choose their password from the link), disable one (their sessions end at once).

import { roleOptions, withReach } from './account-roles.js'
import { getJson, sendJson } from './api-client.js'
import { $, element, table } from './dom.js'

let bound = false

function say(view, key, values) {
  $('people-message').textContent = view.tr.t(key, values)
  $('people-message').hidden = false
}

function grantText(tr, grant) {
  const reach = grant.organisationId ?? grant.facilityId
  return `${tr.t(`account.role.${grant.role}`)}${reach ? ` (${reach})` : ''}`
}

export async function loadPeople(view) {
  const { tr } = view
  roleOptions($('invite-role'), tr)
  if (!bound) {
    bound = true
    $('invite-form').addEventListener('submit', async (event) => {
      event.preventDefault()
      const grant = withReach(
        { role: $('invite-role').value },
        $('invite-organisation').value.trim(),
        $('invite-facility').value.trim(),
      )
      const { status, answer } = await sendJson('POST', '/api/v1/invitations', {
        email: $('invite-email').value.trim(),
        name: $('invite-name').value.trim(),
        grant,
        language: view.tr.language,
      })
      if (status === 503) return say(view, 'account.mailNotSetUp')
      if (status !== 201) return say(view, 'account.refused', { message: answer.message ?? status })
      say(view, 'account.invited', { email: answer.user.email, time: tr.time(answer.expiresAt) })
      $('invite-form').reset()
      await loadPeople(view)
    })
  }
  const page = await getJson('/api/v1/users?limit=500')
  table(
    'people-table',
    [tr.t('account.name'), tr.t('account.email'), tr.t('account.grants'), tr.t('account.state'), ''],
    page.items.map((user) => {
      let action = ''
      if (user.disabledAt === undefined) {
        const disable = element('button', 'button-secondary user-disable', tr.t('account.disable'))
        disable.type = 'button'
        disable.addEventListener('click', async () => {
          const { status, answer } = await sendJson(
            'POST',
            `/api/v1/users/${encodeURIComponent(user.id)}/disable`,
          )
          if (status !== 200) return say(view, 'account.refused', { message: answer.message ?? status })
          say(view, 'account.disabled', { email: user.email })
          await loadPeople(view)
        })
        action = disable
      }
      return [
        user.name,
        user.email,
        user.grants.map((grant) => grantText(tr, grant)).join(', '),
        user.disabledAt === undefined ? tr.t('account.userActive') : tr.t('account.userDisabled'),
        action,
      ]
    }),
    tr.t('account.noPeople'),
  )
  for (const [index, row] of [...$('people-table').querySelectorAll('tbody tr')].entries()) {
    const user = page.items[index]
    if (user !== undefined) row.dataset.email = user.email
  }
}
