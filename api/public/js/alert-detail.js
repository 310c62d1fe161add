// @ts-check
// An alert's detail, opened from the alerts list: who was told of it, through which channel, and how each
// message fared (GET /api/v1/alerts/{id}/notifications) — so an officer sees that the supervisor's e-mail
// went out, or why it has not yet.

import { alertMessage } from './alert-text.js'
import { getJson } from './api-client.js'
import { $, element } from './dom.js'
import { view } from './live-state.js'

/** Fills and opens the alert dialog; the delivery history is loaded each time it opens, so it is current. */
export async function openAlertDetail(alert) {
  const { tr } = view
  const dialog = /** @type {HTMLDialogElement} */ ($('alert-dialog'))
  dialog.dataset.alertId = alert.id
  $('alert-detail-title').textContent = `${tr.t(`level.${alert.level}`)} · ${alert.sensorId}`
  $('alert-detail-message').textContent = alertMessage(alert)
  const list = $('alert-notifications')
  const note = $('alert-notifications-note')
  list.replaceChildren()
  note.textContent = tr.t('loading')
  note.hidden = false
  if (!dialog.open) dialog.showModal()
  let page
  try {
    page = await getJson(`/api/v1/alerts/${encodeURIComponent(alert.id)}/notifications`)
  } catch {
    note.textContent = tr.t('loadFailed')
    return
  }
  if (dialog.dataset.alertId !== alert.id) return
  note.textContent = tr.t('delivery.none')
  note.hidden = page.items.length > 0
  list.replaceChildren(...page.items.map(buildNotification))
}

function buildNotification(notification) {
  const { tr } = view
  const item = element('li', `delivery delivery-${notification.state}`)
  item.dataset.state = notification.state
  item.dataset.contact = notification.contact
  const head = element('p', 'delivery-head')
  head.append(
    element('span', 'delivery-state', tr.t(`delivery.state.${notification.state}`)),
    element('span', 'delivery-contact', notification.contact),
    element('span', 'delivery-channel', tr.t('delivery.channel', { channel: notification.channelId })),
  )
  const facts = [
    tr.t(`delivery.event.${notification.event}`),
    tr.t('delivery.attempts', { count: notification.attempts }),
    notification.sentAt !== undefined
      ? tr.t('delivery.sentAt', { time: tr.time(notification.sentAt) })
      : tr.t('delivery.queuedAt', { time: tr.time(notification.createdAt) }),
  ]
  if (notification.nextAttemptAt !== undefined && notification.state === 'retrying') {
    facts.push(tr.t('delivery.nextAt', { time: tr.time(notification.nextAttemptAt) }))
  }
  item.append(head, element('p', 'delivery-facts', facts.join(' · ')))
  if (notification.lastError !== undefined && notification.state !== 'sent') {
    item.append(element('p', 'delivery-error', tr.t('delivery.reason', { reason: notification.lastError })))
  }
  return item
}
