// @ts-check
// The contractor screens (sensors.html): the facilities the caller reaches → their zones → their sensors;
// registering a sensor (its credentials shown once, with the device configuration and its QR code), adding
// and renaming zones, and one sensor's panel (sensor-panel.js). Contractors of the facility and admins change
// things; officers and regulators read; admins also register organisations and facilities (admin-facilities.js). Everything goes through the API, which decides and audits it.

import { createAdminPanel } from './admin-facilities.js'
import { $, all, element, table } from './dom.js'
import { createTranslator, initialLanguage, saveLanguage } from './i18n.js'
import { requestJson } from './json-request.js'
import {
  chosenFactors,
  createSensorPanel,
  fillFactorChoices,
  fillZoneOptions,
  hideCredentials,
  instantOf,
  showCredentials,
} from './sensor-panel.js'
import { AuthError, askForKey, bindSignIn } from './sign-in.js'

const MAINTAINER_ROLES = ['admin', 'contractor']

let tr = createTranslator(initialLanguage())
let role = ''
let facilities = []
/** @type {string[]} */
let sensorFactors = []
let facilityId = ''
let zones = []
let sensors = []

const t = (key, values) => tr.t(key, values)
const editable = () => MAINTAINER_ROLES.includes(role)
const facilityPath = () => `/api/v1/facilities/${encodeURIComponent(facilityId)}`

function message(id, text, kind = 'ok') {
  const el = $(id)
  el.textContent = text
  el.dataset.kind = kind
  el.hidden = false
}

function refusal(err) {
  return err.status === 403
    ? t('contractor.forbidden', { message: err.message })
    : t('contractor.failed', { message: err.message })
}

/** A refused request: sign in again on 401, else say why (in `show`, or the banner). */
function failed(err, show = (text) => message('banner', text, 'error')) {
  if (err instanceof AuthError) return askForKey(load)
  show(refusal(err))
}

const panel = createSensorPanel({
  get tr() {
    return tr
  },
  zones: () => zones,
  factors: () => sensorFactors,
  editable,
  failed,
  changed: () => loadFacility(),
})

const admin = createAdminPanel({
  get tr() {
    return tr
  },
  factors: () => sensorFactors,
  facilities: () => facilities,
  failed,
  changed: async () => {
    facilities = (await requestJson('GET', '/api/v1/facilities?limit=500')).items
    renderFacilities()
    applyRole()
  },
})

// ---------- facilities, zones and sensors ----------

function renderFacilities() {
  $('facility-list').replaceChildren(
    ...facilities.map((facility) => {
      const button = element('button', 'facility-choice', `${facility.name} (${facility.id})`)
      button.type = 'button'
      button.dataset.facility = facility.id
      button.setAttribute('aria-pressed', String(facility.id === facilityId))
      button.addEventListener('click', () => void chooseFacility(facility.id))
      const item = element('li')
      item.append(button)
      return item
    }),
  )
  if (facilities.length === 0)
    $('facility-list').replaceChildren(element('li', '', t('contractor.noFacilities')))
}

function renderZones() {
  table(
    'zones-table',
    [t('contractor.zoneId'), t('contractor.zoneName'), t('contractor.workers')],
    zones.map((zone) => [zone.id, zone.name, zone.workers ?? '—']),
    t('contractor.noZones'),
  )
  const selects = [$('rename-zone'), $('register-zone')]
  const keep = selects.map((select) => select.value)
  fillZoneOptions($('register-zone'), zones, tr, keep[1])
  $('rename-zone').replaceChildren(
    ...zones.map((zone) => {
      const option = element('option', undefined, `${zone.name} (${zone.id})`)
      option.value = zone.id
      return option
    }),
  )
  if (keep[0]) $('rename-zone').value = keep[0]
}

function renderSensors() {
  table(
    'sensors-table',
    [
      t('contractor.col.id'),
      t('contractor.col.zone'),
      t('contractor.col.model'),
      t('contractor.col.factors'),
      t('contractor.col.status'),
      t('contractor.col.commissioning'),
      t('contractor.col.lastSeen'),
    ],
    sensors.map((sensor) => {
      const open = element('button', 'link-button', sensor.id)
      open.type = 'button'
      open.dataset.sensor = sensor.id
      open.addEventListener('click', () => void panel.open(sensor))
      const state = element(
        'span',
        'commissioning-badge',
        t(`contractor.state.${sensor.commissioning.state}`),
      )
      state.dataset.state = sensor.commissioning.state
      return [
        open,
        sensor.zone || '—',
        `${sensor.model}${sensor.serial ? ` · ${sensor.serial}` : ''}`,
        sensor.factors.map((f) => tr.factorLabel(f)).join(', '),
        t(`contractor.status.${sensor.status}`),
        state,
        sensor.lastSeenAt ? tr.time(sensor.lastSeenAt) : t('contractor.never'),
      ]
    }),
    t('contractor.noSensors'),
  )
}

async function loadFacility() {
  if (facilityId === '') return
  const [zoneList, sensorPage] = await Promise.all([
    requestJson('GET', `${facilityPath()}/zones`),
    requestJson('GET', `/api/v1/sensors?facility=${encodeURIComponent(facilityId)}&limit=500`),
  ])
  zones = zoneList.items
  sensors = sensorPage.items
  renderZones()
  renderSensors()
}

async function chooseFacility(id) {
  facilityId = id
  location.hash = encodeURIComponent(id)
  panel.close()
  hideCredentials()
  for (const section of ['zones-section', 'sensors-section']) $(section).hidden = false
  $('register-section').hidden = !editable()
  renderFacilities()
  try {
    await loadFacility()
  } catch (err) {
    failed(err)
  }
}

// ---------- changes ----------

async function change(messageId, work) {
  $(messageId).hidden = true
  try {
    await work()
  } catch (err) {
    failed(err, (text) => message(messageId, text, 'error'))
  }
}

function addZone(event) {
  event.preventDefault()
  void change('zone-message', async () => {
    const zone = await requestJson('POST', `${facilityPath()}/zones`, {
      id: $('zone-id').value.trim(),
      name: $('zone-name').value.trim(),
    })
    $('zone-form').reset()
    await loadFacility()
    message('zone-message', t('contractor.zoneAdded', { id: zone.id }))
  })
}

function renameZone(event) {
  event.preventDefault()
  void change('zone-message', async () => {
    const zoneId = $('rename-zone').value
    await requestJson('PATCH', `${facilityPath()}/zones/${encodeURIComponent(zoneId)}`, {
      name: $('rename-name').value.trim(),
    })
    $('rename-name').value = ''
    await loadFacility()
    message('zone-message', t('contractor.zoneRenamed'))
  })
}

function registerSensor(event) {
  event.preventDefault()
  void change('register-message', async () => {
    const calibratedAt = instantOf($('register-calibrated').value)
    const calibrationDue = instantOf($('register-due').value)
    const created = await requestJson('POST', '/api/v1/sensors', {
      id: $('register-id').value.trim(),
      facilityId,
      zoneId: $('register-zone').value || undefined,
      model: $('register-model').value.trim(),
      serial: $('register-serial').value.trim(),
      factors: chosenFactors($('register-factors')),
      reportingIntervalS: Number($('register-interval').value),
      ...(calibratedAt ? { calibratedAt } : {}),
      ...(calibrationDue ? { calibrationDue } : {}),
    })
    $('register-form').reset()
    fillFactorChoices($('register-factors'), sensorFactors, tr)
    message('register-message', t('contractor.registered', { id: created.sensor.id }))
    await loadFacility()
    await panel.open(created.sensor)
    showCredentials(created.sensor.id, created.credentials, tr)
  })
}

async function copyConfig() {
  await navigator.clipboard.writeText($('device-config').value).catch(() => $('device-config').select())
  message('copy-message', t('contractor.copied'))
}

// ---------- start ----------

function applyStaticTexts() {
  document.documentElement.lang = tr.language
  for (const el of all('[data-i18n]')) el.textContent = t(el.dataset.i18n)
  for (const button of all('[data-language]')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === tr.language))
  }
}

function applyRole() {
  $('read-only').hidden = editable() || facilities.length === 0
  for (const el of all('.maintain-only')) el.hidden = !editable()
  if (facilityId !== '') $('register-section').hidden = !editable()
}

async function load() {
  try {
    const session = await requestJson('GET', '/api/v1/session')
    role = session.role
    const [facilityPage, limits] = await Promise.all([
      requestJson('GET', '/api/v1/facilities?limit=500'),
      requestJson('GET', '/api/v1/limits'),
    ])
    facilities = facilityPage.items
    sensorFactors = limits.factors.map((entry) => entry.factor)
    fillFactorChoices($('register-factors'), sensorFactors, tr)
    $('banner').hidden = true
    renderFacilities()
    applyRole()
    await admin.show(role)
    const wanted = decodeURIComponent(location.hash.slice(1))
    const first =
      facilities.find((f) => f.id === wanted) ?? (facilities.length === 1 ? facilities[0] : undefined)
    if (first !== undefined) await chooseFacility(first.id)
  } catch (err) {
    failed(err)
  }
}

function start() {
  $('zone-form').addEventListener('submit', addZone)
  $('rename-form').addEventListener('submit', renameZone)
  $('register-form').addEventListener('submit', registerSensor)
  $('copy-config').addEventListener('click', () => void copyConfig())
  $('close-credentials').addEventListener('click', hideCredentials)
  for (const button of all('[data-language]')) {
    button.addEventListener('click', () => {
      saveLanguage(button.dataset.language)
      tr = createTranslator(button.dataset.language)
      applyStaticTexts()
      renderFacilities()
      fillFactorChoices($('register-factors'), sensorFactors, tr, chosenFactors($('register-factors')))
      if (facilityId !== '') {
        renderZones()
        renderSensors()
      }
      panel.redraw()
      admin.redraw()
    })
  }
  bindSignIn({
    refused: () => t('contractor.keyRefused'),
    onSignedOut: () => {
      panel.close()
      hideCredentials()
      askForKey(load)
    },
  })
  applyStaticTexts()
  void load()
}

start()
