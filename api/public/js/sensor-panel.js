// @ts-check
// One sensor on the contractor screens: its commissioning checklist (followed while the panel is open), the
// form that changes zone, model, serial, factors, reporting interval and calibration dates (PATCH), rotating
// or revoking its MQTT credentials, decommissioning it, and the messages ingest refused from it lately.
// Credentials are shown once, with the device configuration to copy and its QR code (a data: URL).

import { $, element, table } from './dom.js'
import { requestJson } from './json-request.js'

const WATCH_MS = 3_000
const REJECTIONS_SHOWN = 20
const VIETNAM_OFFSET_MS = 7 * 3_600_000

/** An instant as the yyyy-mm-dd of a date input, in Vietnam time; '' for none. */
export function dateInputValue(iso) {
  return iso ? new Date(Date.parse(iso) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10) : ''
}

/** A date input's day as the instant it starts in Vietnam; undefined when empty. */
export function instantOf(day) {
  return day === '' ? undefined : `${day}T00:00:00+07:00`
}

/** Fills `fieldset` (keeping its legend) with one checkbox per factor a sensor may measure, `selected` ticked. */
export function fillFactorChoices(fieldset, factors, tr, selected = []) {
  const legend = fieldset.querySelector('legend')
  const boxes = factors.map((factor) => {
    const label = element('label', 'factor-choice')
    const box = /** @type {HTMLInputElement} */ (element('input'))
    box.type = 'checkbox'
    box.value = factor
    box.checked = selected.includes(factor)
    label.append(box, ` ${tr.factorLabel(factor)}`)
    return label
  })
  fieldset.replaceChildren(...(legend ? [legend] : []), ...boxes)
}

export function chosenFactors(fieldset) {
  return [...fieldset.querySelectorAll('input[type=checkbox]:checked')].map(
    (box) => /** @type {HTMLInputElement} */ (box).value,
  )
}

/** Fills a zone select with the facility's zones and a "no zone" choice. */
export function fillZoneOptions(select, zones, tr, selected = '') {
  const none = element('option', undefined, tr.t('contractor.noZone'))
  none.value = ''
  select.replaceChildren(
    none,
    ...zones.map((zone) => {
      const option = element('option', undefined, `${zone.name} (${zone.id})`)
      option.value = zone.id
      return option
    }),
  )
  select.value = selected
}

/** The detail of one checklist item in the page's language, from the sensor's fields. */
function itemDetail(entry, sensor, tr) {
  const c = sensor.commissioning
  switch (entry.item) {
    case 'first-reading':
      return c.firstReadingAt
        ? tr.t('contractor.detail.firstReading', { time: tr.time(c.firstReadingAt) })
        : tr.t('contractor.detail.noReading')
    case 'factors-reporting':
      return c.missingFactors.length === 0
        ? tr.t('contractor.detail.factorsAll')
        : tr.t('contractor.detail.factorsMissing', {
            factors: c.missingFactors.map((f) => tr.factorLabel(f)).join(', '),
          })
    case 'calibration':
      if (!sensor.calibratedAt || !sensor.calibrationDue) return tr.t('contractor.detail.calibrationMissing')
      if (entry.met) {
        return tr.t('contractor.detail.calibrationOk', {
          calibratedAt: dateInputValue(sensor.calibratedAt),
          due: dateInputValue(sensor.calibrationDue),
        })
      }
      return sensor.calibrationOverdue
        ? tr.t('contractor.detail.calibrationLapsed', { date: dateInputValue(sensor.calibrationDue) })
        : tr.t('contractor.detail.calibrationFuture')
    default:
      return entry.met
        ? tr.t('contractor.detail.intervalKept', { interval: sensor.reportingIntervalS })
        : tr.t('contractor.detail.interval', {
            interval: sensor.reportingIntervalS,
            minutes: Math.min(59, c.observedMinutes),
          })
  }
}

/** The state line and the checklist, as the API judges them now. */
export function renderCommissioning(sensor, tr) {
  const c = sensor.commissioning
  const state = $('sensor-state')
  state.dataset.state = c.state
  const since =
    c.state !== 'commissioned'
      ? ''
      : c.commissionedAt
        ? ` ${tr.t('contractor.commissionedAt', { time: tr.time(c.commissionedAt) })}`
        : ` ${tr.t('contractor.legacy')}`
  state.textContent = `${tr.t(`contractor.state.${c.state}`)}.${since}`
  $('checklist').replaceChildren(
    ...c.checklist.map((entry) => {
      const item = element('li', 'checklist-item')
      item.dataset.item = entry.item
      item.dataset.met = String(entry.met)
      const mark = element('span', 'checklist-mark', entry.met ? '✓' : '○')
      mark.setAttribute('aria-label', tr.t(entry.met ? 'contractor.met' : 'contractor.notMet'))
      item.append(
        mark,
        element('span', 'checklist-name', tr.t(`contractor.item.${entry.item}`)),
        element('span', 'checklist-detail', itemDetail(entry, sensor, tr)),
      )
      return item
    }),
  )
}

/** Shows credentials just issued: the only time the password is seen. */
export function showCredentials(sensorId, credentials, tr) {
  $('credentials-heading').textContent = tr.t('contractor.credentials', { id: sensorId })
  $('credential-username').textContent = credentials.username
  $('credential-password').textContent = credentials.password
  $('credential-topic').textContent = credentials.topic
  $('device-config').value = JSON.stringify(JSON.parse(credentials.deviceConfig), null, 2)
  const qr = $('device-qr')
  qr.src = credentials.qrCode
  qr.alt = tr.t('contractor.qrAlt')
  $('copy-message').hidden = true
  $('credentials').hidden = false
  $('credentials').scrollIntoView({ block: 'start' })
}

/** Forgets the credentials on screen. */
export function hideCredentials() {
  $('credentials').hidden = true
  for (const id of ['credential-username', 'credential-password', 'credential-topic']) $(id).textContent = ''
  $('device-config').value = ''
  $('device-qr').removeAttribute('src')
}

function message(text, kind = 'ok') {
  const el = $('sensor-message')
  el.textContent = text
  el.dataset.kind = kind
  el.hidden = false
}

/**
 * The panel of the open sensor. `context` gives the translator, the facility's zones, whether the caller may
 * change it, what to do when the API wants a sign-in, and what to refresh after a change.
 */
export function createSensorPanel(context) {
  let sensor
  let timer

  const path = () => `/api/v1/sensors/${encodeURIComponent(sensor.id)}`

  function renderFacts() {
    const { tr } = context
    const facts = $('sensor-facts')
    facts.replaceChildren(
      element('dt', '', tr.t('contractor.col.status')),
      element('dd', '', tr.t(`contractor.status.${sensor.status}`)),
      element('dt', '', tr.t('contractor.hasCredentials')),
      element(
        'dd',
        '',
        tr.t(sensor.hasCredentials ? 'contractor.credentialsValid' : 'contractor.credentialsNone'),
      ),
      element('dt', '', tr.t('contractor.col.lastSeen')),
      element('dd', '', sensor.lastSeenAt ? tr.time(sensor.lastSeenAt) : tr.t('contractor.never')),
    )
  }

  function renderForm() {
    const { tr } = context
    fillZoneOptions($('edit-zone'), context.zones(), tr, sensor.zoneId ?? '')
    $('edit-model').value = sensor.model
    $('edit-serial').value = sensor.serial
    $('edit-interval').value = String(sensor.reportingIntervalS)
    $('edit-calibrated').value = dateInputValue(sensor.calibratedAt)
    $('edit-due').value = dateInputValue(sensor.calibrationDue)
    fillFactorChoices($('edit-factors'), context.factors(), tr, sensor.factors)
    const locked = !context.editable() || sensor.status === 'decommissioned'
    for (const field of $('edit-form').querySelectorAll('input, select')) field.disabled = locked
    for (const id of ['edit-submit', 'rotate', 'revoke', 'decommission']) $(id).disabled = locked
  }

  async function renderRejections() {
    const { tr } = context
    const page = await requestJson('GET', `${path()}/rejections?limit=${REJECTIONS_SHOWN}`)
    table(
      'rejections-table',
      [tr.t('contractor.col.time'), tr.t('contractor.col.reason'), tr.t('contractor.col.detail')],
      page.items.map((r) => [tr.time(r.receivedAt), tr.t(`reason.${r.reason}`), r.detail]),
      tr.t('contractor.noRejections'),
    )
  }

  function render() {
    $('sensor-heading').textContent = context.tr.t('contractor.sensorTitle', { id: sensor.id })
    renderCommissioning(sensor, context.tr)
    renderFacts()
  }

  /** Follows the checklist and the refusals while the panel is open: what the contractor watches on site. */
  async function watch() {
    try {
      const before = sensor?.commissioning.state
      sensor = await requestJson('GET', path())
      render()
      // The sensors table shows the state too.
      if (sensor.commissioning.state !== before) await context.changed()
      await renderRejections()
    } catch (err) {
      context.failed(err)
    }
  }

  async function act(work) {
    $('sensor-message').hidden = true
    try {
      await work()
      await context.changed()
    } catch (err) {
      context.failed(err, (text) => message(text, 'error'))
    }
  }

  $('edit-form').addEventListener('submit', (event) => {
    event.preventDefault()
    void act(async () => {
      const calibratedAt = instantOf($('edit-calibrated').value)
      const calibrationDue = instantOf($('edit-due').value)
      sensor = await requestJson('PATCH', path(), {
        zoneId: $('edit-zone').value || undefined,
        model: $('edit-model').value,
        serial: $('edit-serial').value,
        factors: chosenFactors($('edit-factors')),
        reportingIntervalS: Number($('edit-interval').value),
        ...(calibratedAt ? { calibratedAt } : {}),
        ...(calibrationDue ? { calibrationDue } : {}),
      })
      render()
      renderForm()
      message(context.tr.t('contractor.saved'))
    })
  })
  $('rotate').addEventListener('click', () => {
    if (!window.confirm(context.tr.t('contractor.confirmRotate', { id: sensor.id }))) return
    void act(async () => {
      showCredentials(sensor.id, await requestJson('POST', `${path()}/credentials`), context.tr)
      await watch()
    })
  })
  $('revoke').addEventListener('click', () => {
    if (!window.confirm(context.tr.t('contractor.confirmRevoke', { id: sensor.id }))) return
    void act(async () => {
      await requestJson('DELETE', `${path()}/credentials`)
      await watch()
      message(context.tr.t('contractor.revoked'))
    })
  })
  $('decommission').addEventListener('click', () => {
    if (!window.confirm(context.tr.t('contractor.confirmDecommission', { id: sensor.id }))) return
    void act(async () => {
      sensor = await requestJson('POST', `${path()}/decommission`)
      render()
      renderForm()
      message(context.tr.t('contractor.decommissioned'))
    })
  })

  return {
    async open(next) {
      sensor = next
      $('sensor-message').hidden = true
      $('sensor-panel').hidden = false
      render()
      renderForm()
      clearInterval(timer)
      timer = setInterval(() => void watch(), WATCH_MS)
      await renderRejections().catch((err) => context.failed(err))
    },
    close() {
      clearInterval(timer)
      sensor = undefined
      $('sensor-panel').hidden = true
    },
    /** Draws the open sensor again in the page's language. */
    redraw() {
      if (sensor === undefined) return
      render()
      renderForm()
      void renderRejections().catch((err) => context.failed(err))
    },
    openId: () => sensor?.id,
  }
}
