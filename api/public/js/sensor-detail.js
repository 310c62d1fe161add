// @ts-check
// A sensor's detail, opened from a tile: what the registry says about it and the messages ingest refused from
// it lately, with the reason — what a contractor looks at first when a new sensor's tile stays empty.

import { element } from './dom.js'

const REJECTIONS_SHOWN = 20

function fact(list, label, value) {
  list.append(element('dt', '', label), element('dd', '', value))
}

/**
 * Fills and opens the sensor dialog. `getJson` is the page's authenticated fetch; `tr` the translator. The
 * rejections are for the facility's contractors and officers: another key gets 404, and the page says so.
 */
export async function openSensorDetail(sensor, { getJson, tr, factorLabel }) {
  const dialog = /** @type {HTMLDialogElement} */ (document.getElementById('sensor-dialog'))
  document.getElementById('sensor-title').textContent = tr.t('sensorTitle', { id: sensor.id })
  const facts = document.getElementById('sensor-facts')
  facts.replaceChildren()
  fact(facts, tr.t('sensorZone'), sensor.zone || '—')
  fact(facts, tr.t('sensorModel'), `${sensor.model}${sensor.serial ? ` · ${sensor.serial}` : ''}`)
  fact(facts, tr.t('sensorFactors'), sensor.factors.map((f) => factorLabel(f)).join(', '))
  fact(facts, tr.t('sensorStatus'), tr.t(`sensorStatus.${sensor.status}`))
  fact(facts, tr.t('sensorLastSeen'), sensor.lastSeenAt ? tr.time(sensor.lastSeenAt) : tr.t('never'))
  if (sensor.calibrationDue) {
    fact(
      facts,
      tr.t('sensorCalibrationDue'),
      `${tr.time(sensor.calibrationDue)}${sensor.calibrationOverdue ? ` (${tr.t('overdue')})` : ''}`,
    )
  }
  const list = document.getElementById('sensor-rejections')
  const note = document.getElementById('sensor-rejections-note')
  list.replaceChildren()
  note.textContent = tr.t('loading')
  if (!dialog.open) dialog.showModal()
  let page
  try {
    page = await getJson(
      `/api/v1/sensors/${encodeURIComponent(sensor.id)}/rejections?limit=${REJECTIONS_SHOWN}`,
    )
  } catch (err) {
    note.textContent = /HTTP 404/.test(String(err?.message))
      ? tr.t('rejectionsNotForKey')
      : tr.t('loadFailed')
    return
  }
  note.textContent =
    page.total === 0
      ? tr.t('noRejections')
      : tr.t('rejectionsShown', { shown: page.items.length, total: page.total })
  for (const rejection of page.items) {
    const item = element('li', 'rejection')
    item.dataset.reason = rejection.reason
    const head = element('p', 'rejection-head')
    head.append(
      element('time', 'rejection-time', tr.time(rejection.receivedAt)),
      element('span', 'rejection-reason', tr.t(`reason.${rejection.reason}`)),
    )
    const detail = element('p', 'rejection-detail', rejection.detail)
    const payload = element('code', 'rejection-payload', rejection.payload)
    item.append(head, detail, payload)
    list.append(item)
  }
}
