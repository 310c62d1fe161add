// @ts-check
// The active alerts, worst first (critical, alarm, warning; each newest first), with who acknowledged them, the
// count nobody acknowledged yet (also in the tab title), and the notices of escalations to this key. The list is
// never a scroll box of its own: the page scrolls, so every alert the count speaks of is on the page (#19).
import { openAcknowledge, openResolve } from './acknowledgement.js'
import { openAlertDetail } from './alert-detail.js'
import { alertMessage } from './alert-text.js'
import { $, element } from './dom.js'
import { factorLabel } from './format.js'
import { LEVEL_RANK, needsAcknowledgement, state, view } from './live-state.js'
import { markAlertTiles } from './tiles.js'

/** Worst level first, then newest opened: an offline warning never sits above a noise-dose alarm. */
export function bySeverity(a, b) {
  return LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || Date.parse(b.openedAt) - Date.parse(a.openedAt)
}

export function renderAlerts() {
  const alerts = [...state.alerts.values()].sort(bySeverity)
  const list = $('alerts')
  list.replaceChildren(...alerts.map(buildAlert))
  $('no-alerts').hidden = alerts.length > 0
  const open = alerts.filter(needsAcknowledgement).length
  $('alert-tally').textContent =
    alerts.length === 0 ? '' : view.tr.t('alertHistory.tally', { active: alerts.length, open })
  $('alert-count').textContent = String(open)
  $('alert-count').dataset.count = String(open)
  $('alert-count').title = view.tr.t('unacknowledged', { count: open })
  document.title = open > 0 ? `(${open}) quantrac` : 'quantrac'
  markAlertTiles()
}

function buildAlert(alert) {
  const item = element('li', `alert level-${alert.level}`)
  item.dataset.alertId = alert.id
  item.dataset.state = alert.state
  item.dataset.level = alert.level
  item.dataset.kind = alert.kind
  const waiting = needsAcknowledgement(alert)
  item.dataset.needsAck = String(waiting)
  const head = element('div', 'alert-head')
  head.append(
    element('span', 'alert-level', view.tr.t(`level.${alert.level}`)),
    element('span', 'alert-kind', view.tr.t(`kind.${alert.kind}`)),
  )
  // An acknowledged alert says so in words beside its level, not only by a paler card.
  if (!waiting)
    head.append(element('span', 'alert-state', `✓ ${view.tr.t('alertHistory.state.acknowledged')}`))
  head.append(element('time', 'alert-time', view.tr.time(alert.openedAt)))
  head.lastChild.dateTime = alert.openedAt
  const message = element('p', 'alert-message', alertMessage(alert))
  message.title = alert.message
  const where = element('p', 'alert-where', `${factorLabel(alert.factor)} · ${alert.sensorId}`)
  const zone = state.sensors.get(alert.sensorId)?.zone
  if (zone !== undefined) where.textContent += ` · ${view.tr.t('zone')}: ${zone}`
  const source = element('p', 'alert-source', alert.texts[view.tr.language].source)
  item.append(head, message, where, source)
  for (const acknowledgement of alert.acknowledgements) {
    item.append(
      element(
        'p',
        'alert-ack',
        view.tr.t('acknowledgedBy', {
          by: acknowledgement.by.name,
          time: view.tr.time(acknowledgement.at),
          level: view.tr.t(`level.${acknowledgement.level}`),
        }),
      ),
    )
    if (acknowledgement.note) item.append(element('p', 'alert-note', acknowledgement.note))
  }
  const escalated = alert.acknowledgements.length > 0 && needsAcknowledgement(alert)
  if (escalated) {
    item.append(
      element(
        'p',
        'alert-escalated',
        view.tr.t('escalatedSince', { level: view.tr.t(`level.${alert.level}`) }),
      ),
    )
  }
  const actions = element('div', 'alert-actions')
  if (waiting) {
    const button = element('button', 'button-primary alert-ack-button', view.tr.t('acknowledge'))
    button.type = 'button'
    button.addEventListener('click', () => openAcknowledge(alert.id))
    actions.append(button)
  }
  const resolve = element('button', 'button-secondary alert-resolve-button', view.tr.t('resolve'))
  resolve.type = 'button'
  resolve.addEventListener('click', () => openResolve(alert.id))
  actions.append(resolve)
  const details = element('button', 'button-secondary alert-details-button', view.tr.t('delivery.open'))
  details.type = 'button'
  details.addEventListener('click', () => openAlertDetail(alert))
  actions.append(details)
  item.append(actions)
  return item
}

/** A notice to this key: an alert it acknowledged escalated. Stays until dismissed. */
export function showNotice(notice) {
  const item = element('li', `notice level-${notice.alert.level}`)
  item.dataset.alertId = notice.alert.id
  const text = element(
    'p',
    'notice-text',
    view.tr.t('noticeEscalated', {
      level: view.tr.t(`level.${notice.alert.level}`),
      message: alertMessage(notice.alert),
    }),
  )
  const dismiss = element('button', 'button-secondary notice-dismiss', view.tr.t('dismiss'))
  dismiss.type = 'button'
  dismiss.addEventListener('click', () => item.remove())
  item.append(text, dismiss)
  $('notices').prepend(item)
}
