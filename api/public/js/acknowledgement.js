// @ts-check
// Acknowledging and resolving an alert through its dialogs. Who acted is the signed-in API key; the answer
// is the alert as the register now holds it, which replaces the page's copy.

import { alertMessage } from './alert-text.js'
import { postJson } from './api-client.js'
import { $ } from './dom.js'
import { resolutionReasonIds } from './factors.js'
import { applyAlert, state, view } from './live-state.js'
import { askForKey } from './sign-in.js'

/** What the dialogs do after an answer: redraw the list, or reload the facility after a conflict. */
let after = { changed: () => {}, reload: () => {} }

let acknowledging
let resolving

export function openAcknowledge(alertId) {
  const alert = state.alerts.get(alertId)
  if (alert === undefined) return
  acknowledging = alertId
  $('ack-summary').textContent = `${view.tr.t(`level.${alert.level}`)} · ${alertMessage(alert)}`
  $('ack-note').value = ''
  $('ack-error').hidden = true
  $('ack-submit').disabled = false
  $('ack-dialog').showModal()
  $('ack-note').focus()
}

export function openResolve(alertId) {
  const alert = state.alerts.get(alertId)
  if (alert === undefined) return
  resolving = alertId
  $('resolve-summary').textContent = `${view.tr.t(`level.${alert.level}`)} · ${alertMessage(alert)}`
  $('resolve-reason').value = resolutionReasonIds()[0]
  $('resolve-note').value = ''
  $('resolve-note').required = false
  $('resolve-error').hidden = true
  $('resolve-submit').disabled = false
  $('resolve-dialog').showModal()
  $('resolve-reason').focus()
}

/**
 * Posts a person's act on an alert; who it is comes from the API key. Returns true when the dialog may
 * close. The answer is the alert as the register now holds it.
 */
async function postAlertAction(alertId, action, body, dialog, retry) {
  const response = await postJson(`/api/v1/alerts/${encodeURIComponent(alertId)}/${action}`, body)
  const answer = await response.json().catch(() => ({}))
  if (response.ok) {
    applyAlert(answer)
    after.changed()
    return undefined
  }
  if (response.status === 401) {
    $(dialog).close()
    askForKey(retry)
    return undefined
  }
  if (response.status === 409 || response.status === 404) {
    // Someone else acted first: show what the server knows now.
    void after.reload()
    return view.tr.t(`${action}Conflict`)
  }
  if (response.status === 403) return view.tr.t('notAllowed')
  return view.tr.t(`${action}Failed`, { message: answer.message ?? `HTTP ${response.status}` })
}

async function submitAcknowledge(event) {
  event.preventDefault()
  const alertId = acknowledging
  if (alertId === undefined) return
  const note = $('ack-note').value.trim()
  $('ack-submit').disabled = true
  try {
    const error = await postAlertAction(
      alertId,
      'acknowledge',
      note === '' ? {} : { note },
      'ack-dialog',
      () => openAcknowledge(alertId),
    )
    if (error === undefined) $('ack-dialog').close()
    else showDialogError('ack-error', error)
  } catch (err) {
    showDialogError('ack-error', view.tr.t('acknowledgeFailed', { message: err.message }))
  } finally {
    $('ack-submit').disabled = false
  }
}

async function submitResolve(event) {
  event.preventDefault()
  const alertId = resolving
  if (alertId === undefined) return
  const reason = $('resolve-reason').value
  const note = $('resolve-note').value.trim()
  if (reason === 'other' && note === '') {
    $('resolve-note').required = true
    $('resolve-note').reportValidity()
    return
  }
  $('resolve-submit').disabled = true
  try {
    const body = note === '' ? { reason } : { reason, note }
    const error = await postAlertAction(alertId, 'resolve', body, 'resolve-dialog', () =>
      openResolve(alertId),
    )
    if (error === undefined) $('resolve-dialog').close()
    else showDialogError('resolve-error', error)
  } catch (err) {
    showDialogError('resolve-error', view.tr.t('resolveFailed', { message: err.message }))
  } finally {
    $('resolve-submit').disabled = false
  }
}

function showDialogError(id, text) {
  $(id).textContent = text
  $(id).hidden = false
}

/** Wires the dialogs' buttons once; `changed` redraws the alerts, `reload` fetches the facility again. */
export function bindAlertDialogs(callbacks) {
  after = callbacks
  $('ack-form').addEventListener('submit', submitAcknowledge)
  $('resolve-form').addEventListener('submit', submitResolve)
  $('resolve-reason').addEventListener('change', () => {
    $('resolve-note').required = $('resolve-reason').value === 'other'
  })
  $('ack-cancel').addEventListener('click', () => $('ack-dialog').close())
  $('resolve-cancel').addEventListener('click', () => $('resolve-dialog').close())
}
