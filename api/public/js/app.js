// @ts-check
// The live page's entry: reads the REST API once for the facility chosen, then follows the live feed. The
// state lives in live-state.js; tiles.js, alerts-panel.js and acknowledgement.js draw and act on it (module
// map: api/public/README.md). No framework: the page is small and must load fast on a phone on a factory floor.

import { bindAlertDialogs } from './acknowledgement.js'
import { createAlarmAlerter } from './alarm-alerter.js'
import { openAlertDetail } from './alert-detail.js'
import { renderAlerts } from './alerts-panel.js'
import { byFactor, getJson, loadLimits } from './api-client.js'
import { $, all, element } from './dom.js'
import { loadFactorCatalogue, resolutionReasonIds, resolutionReasonLabel } from './factors.js'
import { bindHistory, retranslateHistory } from './history-chart.js'
import { createTranslator, saveLanguage } from './i18n.js'
import { connectSocket, feedOpened, joinRoom, leaveRoom, reconnectFeed } from './live-feed.js'
import {
  applyExposure,
  applyReading,
  ensureTile,
  state,
  TREND_INTERVAL,
  TREND_SPAN_MS,
  view,
} from './live-state.js'
import { AuthError, askForKey, bindSignIn, saveApiKey } from './sign-in.js'
import { refreshFreshness, renderTiles, updateTile } from './tiles.js'

/** Sound and a browser notification for a new alarm, once the person turns them on. */
const alarmAlerter = createAlarmAlerter(document.querySelector('.topbar .controls'))

function facilityFromHash() {
  const id = decodeURIComponent(location.hash.slice(1))
  return state.facilities.find((f) => f.id === id)
}

/** `quantrac start` prints a link carrying the demo officer's key: keep the key, drop it from the address bar. */
function takeKeyFromLink() {
  const match = /^#key=(qk_[\w-]+)$/.exec(location.hash)
  if (match === null) return
  saveApiKey(match[1])
  history.replaceState(null, '', location.pathname)
}

async function start() {
  takeKeyFromLink()
  applyStaticTexts()
  bindControls()
  try {
    const [page] = await Promise.all([getJson('/api/v1/facilities?limit=500'), loadFactorCatalogue(getJson)])
    state.facilities = page.items
  } catch (err) {
    if (err instanceof AuthError) return askForKey(start)
    showBanner(view.tr.t('loadFailed'))
    console.error(err)
    setTimeout(start, 5000)
    return
  }
  hideBanner()
  // The reasons of the resolve dialog came with the factor catalogue.
  applyStaticTexts()
  renderFacilityPicker()
  if (state.facilities.length === 0) {
    showBanner(view.tr.t('noFacilities'))
    return
  }
  if (!feedOpened()) {
    connectSocket({ setConnection, reload: loadFacility, heard: alarmAlerter })
    setInterval(refreshFreshness, 5000)
  }
  const linked = await alertFromLink()
  await selectFacility(linked?.facilityId ?? (facilityFromHash() ?? state.facilities[0]).id)
  if (linked !== undefined) void openAlertDetail(linked)
}

/**
 * A notification's link (`/?alert={id}`, notify/notifier.ts) opens that alert's facility and its detail with
 * the delivery history; the parameter goes from the address bar once read. An alert this sign-in does not
 * reach (404, 403) opens nothing.
 */
async function alertFromLink() {
  const params = new URLSearchParams(location.search)
  const id = params.get('alert')
  if (id === null) return undefined
  history.replaceState(null, '', `${location.pathname}${location.hash}`)
  try {
    return await getJson(`/api/v1/alerts/${encodeURIComponent(id)}`)
  } catch {
    return undefined
  }
}

async function selectFacility(facilityId) {
  const previous = state.facility?.id
  const facility = state.facilities.find((f) => f.id === facilityId)
  if (facility === undefined) return
  state.facility = facility
  if (location.hash !== `#${facility.id}`)
    history.replaceState(null, '', `#${encodeURIComponent(facility.id)}`)
  $('facility').value = facility.id
  if (previous !== undefined && previous !== facility.id) leaveRoom(previous)
  joinRoom()
  await loadFacility()
}

async function loadFacility() {
  const facility = state.facility
  const generation = ++state.generation
  const id = encodeURIComponent(facility.id)
  let answers
  try {
    answers = await Promise.all([
      getJson(`/api/v1/facilities/${id}/sensors?limit=500`),
      getJson(`/api/v1/readings/latest?facility=${id}`),
      getJson(`/api/v1/alerts?facility=${id}&state=active&limit=500`),
      loadLimits(facility.profile),
      // An API without the exposure engine still serves the rest of the page.
      getJson(`/api/v1/exposures/latest?facility=${id}`).catch(() => ({ items: [] })),
    ])
  } catch (err) {
    if (generation !== state.generation) return
    if (err instanceof AuthError) return askForKey(loadFacility)
    console.error(err)
    showBanner(view.tr.t('loadFailed'))
    setTimeout(() => generation === state.generation && loadFacility(), 5000)
    return
  }
  if (generation !== state.generation) return
  hideBanner()
  const [sensors, latest, alerts, limits, exposures] = answers
  const variants = [...new Set(sensors.items.map((s) => s.limitVariant).filter(Boolean))]
  let variantLimits
  try {
    variantLimits = await Promise.all(variants.map((variant) => loadLimits(facility.profile, variant)))
  } catch (err) {
    console.error(err)
    showBanner(view.tr.t('loadFailed'))
    return
  }
  if (generation !== state.generation) return
  state.limits = byFactor(limits)
  state.variantLimits = new Map(variants.map((variant, i) => [variant, byFactor(variantLimits[i])]))
  state.profileName = limits.names
  state.sensors = new Map(sensors.items.map((s) => [s.id, s]))
  state.tiles = new Map()
  state.lastSeen = new Map()
  for (const sensor of sensors.items) for (const factor of sensor.factors) ensureTile(sensor.id, factor)
  for (const reading of latest.items) applyReading(reading)
  for (const point of exposures.items) applyExposure(point)
  state.alerts = new Map(alerts.items.map((a) => [a.id, a]))
  renderTiles()
  renderAlerts()
  void loadTrends(generation)
}

/** Starts each sparkline with the last half hour, a few tiles at a time. */
async function loadTrends(generation) {
  const queue = [...state.tiles.values()]
  const from = Date.now() - TREND_SPAN_MS
  async function worker() {
    for (let tile = queue.shift(); tile !== undefined; tile = queue.shift()) {
      const url = `/api/v1/sensors/${encodeURIComponent(tile.sensorId)}/readings?factor=${encodeURIComponent(tile.factor)}&interval=${TREND_INTERVAL}&from=${from}`
      try {
        const series = await getJson(url)
        if (generation !== state.generation) return
        const firstLive = tile.trend[0]?.t ?? Number.POSITIVE_INFINITY
        const history = series.points
          .map((p) => ({ t: Date.parse(p.time), v: p.mean }))
          .filter((p) => p.t < firstLive)
        tile.trend = [...history, ...tile.trend]
        updateTile(tile)
      } catch (err) {
        // A missing trend leaves the live line to grow on its own; the value is what matters.
        console.warn(err)
      }
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
}

function applyStaticTexts() {
  document.documentElement.lang = view.tr.language
  for (const el of all('[data-i18n]')) el.textContent = view.tr.t(el.dataset.i18n)
  for (const button of all('[data-language]')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === view.tr.language))
  }
  $('ack-note').placeholder = view.tr.t('ackNotePlaceholder')
  $('resolve-reason').replaceChildren(
    ...resolutionReasonIds().map((reason) => {
      const option = element('option', undefined, resolutionReasonLabel(view.tr.language, reason))
      option.value = reason
      return option
    }),
  )
  setConnection($('connection').dataset.state)
}

function setConnection(connection) {
  const el = $('connection')
  el.dataset.state = connection
  el.textContent = view.tr.t(connection)
}

function showBanner(text) {
  $('banner').textContent = text
  $('banner').hidden = false
}

function hideBanner() {
  $('banner').hidden = true
}

function renderFacilityPicker() {
  const select = $('facility')
  select.replaceChildren(
    ...state.facilities.map((f) => {
      const option = element('option', undefined, `${f.name} (${f.id})`)
      option.value = f.id
      return option
    }),
  )
  if (state.facility !== undefined) select.value = state.facility.id
}

// ---------- controls ----------

let controlsBound = false

function bindControls() {
  if (controlsBound) return
  controlsBound = true
  $('facility').addEventListener('change', (event) => {
    location.hash = encodeURIComponent(event.target.value)
  })
  window.addEventListener('hashchange', () => {
    const facility = facilityFromHash()
    if (facility !== undefined && facility.id !== state.facility?.id) void selectFacility(facility.id)
  })
  for (const button of all('[data-language]')) {
    button.addEventListener('click', () => {
      saveLanguage(button.dataset.language)
      view.tr = createTranslator(button.dataset.language)
      applyStaticTexts()
      renderTiles()
      renderAlerts()
      retranslateHistory()
    })
  }
  bindHistory()
  bindAlertDialogs({ changed: renderAlerts, reload: loadFacility })
  bindSignIn({
    refused: () => view.tr.t('keyRefused'),
    // A socket refused without a key tries again with it.
    onSignedIn: reconnectFeed,
    onSignedOut: () => location.reload(),
  })
}

void start()
