// @ts-check
// The account page's second factor (TOTP) for an admin signed in as themself: enrol (QR code and secret shown
// once), confirm with a code (the recovery codes shown once), remove with a code or a recovery code.

import { sendJson } from './api-client.js'
import { $, element } from './dom.js'

let bound = false

function say(view, key, values) {
  $('totp-message').textContent = view.tr.t(key, values)
  $('totp-message').hidden = false
}

/** Shows the state `secondFactor` ('none', 'enrolled', 'in-force') and wires the forms once. */
export function loadSecondFactor(view, secondFactor, reload) {
  $('totp-state').textContent = view.tr.t(`account.totpState.${secondFactor}`)
  $('totp-section').dataset.state = secondFactor
  $('totp-enrol').hidden = secondFactor === 'in-force'
  $('totp-remove-form').hidden = secondFactor !== 'in-force'
  if (bound) return
  bound = true
  $('totp-enrol').addEventListener('click', async () => {
    const { status, answer } = await sendJson('POST', '/api/v1/session/totp')
    if (status !== 201) return say(view, 'account.refused', { message: answer.message ?? status })
    $('totp-qr').src = answer.qrCode
    $('totp-qr').alt = answer.otpauthUri
    $('totp-secret').textContent = answer.secret
    $('totp-uri').textContent = answer.otpauthUri
    $('totp-confirm-form').hidden = false
    $('totp-enrol').hidden = true
    $('totp-recovery').hidden = true
    $('totp-code').focus()
  })
  $('totp-confirm-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const { status, answer } = await sendJson('POST', '/api/v1/session/totp/confirm', {
      code: $('totp-code').value.trim(),
    })
    if (status !== 200) return say(view, 'account.refused', { message: answer.message ?? status })
    $('totp-confirm-form').hidden = true
    $('totp-secret').textContent = ''
    $('totp-recovery-codes').replaceChildren(
      ...answer.recoveryCodes.map((code) => element('li', 'secret-once', code)),
    )
    $('totp-recovery').hidden = false
    say(view, 'account.totpOn')
    reload()
  })
  $('totp-remove-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const typed = $('totp-remove-code').value.trim()
    const body = /^\d{6}$/.test(typed) ? { code: typed } : { recoveryCode: typed }
    const { status, answer } = await sendJson('DELETE', '/api/v1/session/totp', body)
    if (status !== 204) return say(view, 'account.refused', { message: answer.message ?? status })
    $('totp-remove-code').value = ''
    $('totp-recovery').hidden = true
    say(view, 'account.totpOff')
    reload()
  })
}
