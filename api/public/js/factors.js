// @ts-check
// The factors and the reasons to close an alert, as GET /api/v1/factors gives them (core/factors.ts,
// core/campaigns.ts, core/labels.ts): their order and what a person reads for each, in Vietnamese and
// English. Loaded once per page, so the pages show what the API and the reports say, never a copy.

/**
 * @typedef {{ en: string, vi: string }} Labels
 * @typedef {{ id: string, labels: Labels, unit: string, sensor: boolean, monitoring: boolean }} Factor
 * @typedef {{ factors: Factor[], resolutionReasons: { id: string, labels: Labels }[] }} FactorCatalogue
 */

/** @type {FactorCatalogue} */
let catalogue = { factors: [], resolutionReasons: [] }
/** @type {Map<string, Labels>} */
let factorLabels = new Map()
/** @type {Map<string, Labels>} */
let reasonLabels = new Map()
/** @type {Promise<void> | undefined} */
let loading

/**
 * Fetches the catalogue once, with the page's own reader of JSON (its key, its errors: a 401 makes the page
 * ask for a key); again after a failure.
 * @param {(path: string) => Promise<FactorCatalogue>} getJson
 */
export function loadFactorCatalogue(getJson) {
  loading ??= getJson('/api/v1/factors').then(useFactorCatalogue, (err) => {
    loading = undefined
    throw err
  })
  return loading
}

/** @param {FactorCatalogue} loaded the body of GET /api/v1/factors */
export function useFactorCatalogue(loaded) {
  catalogue = loaded
  factorLabels = new Map(loaded.factors.map((f) => [f.id, f.labels]))
  reasonLabels = new Map(loaded.resolutionReasons.map((r) => [r.id, r.labels]))
}

/** The factors sensors report, in the order the page shows them. */
export function sensorFactorIds() {
  return catalogue.factors.filter((f) => f.sensor).map((f) => f.id)
}

/** The factors a monitoring campaign may record, in the order its form offers them. */
export function monitoringFactorIds() {
  return catalogue.factors.filter((f) => f.monitoring).map((f) => f.id)
}

/** The reasons to close an alert, in the order the dialog offers them. */
export function resolutionReasonIds() {
  return catalogue.resolutionReasons.map((r) => r.id)
}

/**
 * @param {string} language 'vi' or 'en'
 * @param {string} factor
 * @returns {string | undefined} undefined for a factor the catalogue does not know (or before it loaded)
 */
export function factorLabelIn(language, factor) {
  const labels = factorLabels.get(factor)
  return labels === undefined ? undefined : language === 'vi' ? labels.vi : labels.en
}

/**
 * @param {string} language 'vi' or 'en'
 * @param {string} reason
 */
export function resolutionReasonLabel(language, reason) {
  const labels = reasonLabels.get(reason)
  return labels === undefined ? reason : language === 'vi' ? labels.vi : labels.en
}
