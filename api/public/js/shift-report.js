// @ts-check
// A facility's shift report (/shift.html): for each sensor and factor the shift's 8-h TWA, peak STEL, noise
// dose and LEX,8h, how much of the shift readings cover, and each figure's verdict with what it rests on
// (GET /api/v1/exposures/shift); printable (styles.css § print) and as CSV through the API's writer.
import { $, element } from './dom.js'
import { digitsFor } from './gauge.js'
import {
  applyStaticTexts,
  bindPage,
  cell,
  dateTime,
  download,
  getJson,
  guarded,
  hideBanner,
  inputTime,
  loadFacilities,
  localInput,
  page,
  showBanner,
} from './officer-page.js'

/** The report shown; `at` is the instant its shift was asked by (undefined: the shift in progress). */
const shown = { report: undefined, at: undefined }

/** The judged figures a shift report speaks of; the projections only matter while the shift runs. */
const FIGURES = ['twa', 'stel', 'dose', 'lex8h', 'hourMean', 'ceiling', 'floor']

function reportPath(extra = '') {
  const params = new URLSearchParams({ facility: $('facility').value })
  if (shown.at !== undefined) params.set('at', String(shown.at))
  return `/api/v1/exposures/shift?${params}${extra}`
}

async function load() {
  history.replaceState(null, '', `#${reportPath().split('?')[1]}`)
  shown.report = await getJson(reportPath())
  hideBanner()
  render()
}

function number(value) {
  return value === undefined ? '—' : page.tr.number(value, digitsFor(value))
}

function render() {
  const report = shown.report
  if (report === undefined) return
  const tr = page.tr
  $('shift-window').textContent = tr.t('shiftReport.window', {
    facility: `${report.facilityName} (${report.facilityId})`,
    start: dateTime(report.shift.start),
    end: dateTime(report.shift.end),
    hours: tr.number(report.shift.hours, 1),
    profile: report.profile,
  })
  $('at').value = localInput(Date.parse(report.shift.start))
  const headers = ['sensor', 'factor', 'twa', 'stel', 'dose', 'coverage', 'verdict'].map((c) =>
    tr.t(`shiftReport.col.${c}`),
  )
  const head = element('thead')
  const headRow = element('tr')
  for (const text of headers) headRow.append(element('th', undefined, text))
  head.append(headRow)
  const body = element('tbody')
  for (const item of report.items) body.append(itemRow(item, headers))
  if (report.items.length === 0) {
    const empty = element('tr')
    const td = element('td', 'empty-cell', tr.t('shiftReport.none'))
    td.colSpan = headers.length
    empty.append(td)
    body.append(empty)
  }
  $('shift-table').replaceChildren(head, body)
}

function itemRow(item, headers) {
  const tr = page.tr
  const row = element('tr')
  row.dataset.sensor = item.sensorId
  row.dataset.factor = item.factor
  const unit = item.unit
  const sensor = element('span', undefined, item.zone ? `${item.sensorId} · ${item.zone}` : item.sensorId)
  const twa = element('span', undefined, item.twa === undefined ? '—' : `${number(item.twa)} ${unit}`)
  const stel = element('div')
  stel.append(
    element('span', undefined, item.peakStel === undefined ? '—' : `${number(item.peakStel)} ${unit}`),
  )
  if (item.peakStelAt !== undefined)
    stel.append(
      element(
        'small',
        'shift-peak-at',
        ` ${tr.t('shiftReport.peakAt', { time: dateTime(item.peakStelAt) })}`,
      ),
    )
  const dose =
    item.dose === undefined && item.lex8h === undefined
      ? '—'
      : `${number(item.dose)} % · ${number(item.lex8h)} dBA`
  const coverage = `${tr.number(100 * item.coverage, 1)} %`
  row.append(
    cell(headers[0], sensor),
    cell(headers[1], tr.factorLabel(item.factor)),
    cell(headers[2], twa),
    cell(headers[3], stel),
    cell(headers[4], dose),
    cell(headers[5], coverage),
    cell(headers[6], verdicts(item)),
  )
  return row
}

/** Each judged figure: its verdict, the reasons and the basis, written out so that a print keeps them. */
function verdicts(item) {
  const tr = page.tr
  const list = element('ul', 'shift-verdicts')
  const judged = FIGURES.filter((figure) => item.verdicts?.[figure] !== undefined)
  for (const figure of judged) {
    const verdict = item.verdicts[figure]
    const entry = element('li', 'shift-verdict')
    entry.dataset.figure = figure
    entry.dataset.verdict = verdict.verdict
    const name = tr.t(`shiftReport.figure.${figure}`)
    entry.append(
      element('span', 'shift-verdict-figure', `${name}: `),
      element('strong', 'shift-verdict-label', tr.t(`verdict.${verdict.verdict}`)),
    )
    const reasons = element('ul', 'shift-reasons')
    // The API words each reason in both languages, with the figures of its basis (core/messages).
    for (const reason of verdict.reasons) reasons.append(element('li', undefined, reason.texts[tr.language]))
    entry.append(reasons, element('p', 'shift-basis', tr.t('shiftReport.basis', basisFigures(verdict.basis))))
    list.append(entry)
  }
  if (judged.length === 0) list.append(element('li', undefined, '—'))
  return list
}

/** The basis line's numbers: hours measured of the window, the share, the longest gap, the calibration. */
function basisFigures(basis) {
  const tr = page.tr
  const hours = (ms) => tr.number(ms / 3_600_000, 2)
  return {
    measured: hours(basis.measuredMs),
    window: hours(basis.windowMs),
    share: `${tr.number(100 * basis.share, 1)} %`,
    gap: tr.number(basis.longestGapMs / 60_000, 0),
    calibration: tr.t(`shiftReport.calibration.${basis.calibration}`),
  }
}

async function start() {
  const wanted = new URLSearchParams(location.hash.slice(1))
  const at = Number(wanted.get('at'))
  shown.at = wanted.has('at') && Number.isFinite(at) ? at : undefined
  await loadFacilities(wanted.get('facility') ?? undefined)
  await load()
}

$('shift-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const at = inputTime('at')
  if (at === undefined) {
    showBanner(page.tr.t('shiftReport.badTime'))
    return
  }
  shown.at = at
  void guarded(load, 'shiftReport.loadFailed')
})
$('current').addEventListener('click', () => {
  shown.at = undefined
  void guarded(load, 'shiftReport.loadFailed')
})
$('previous').addEventListener('click', () => {
  if (shown.report === undefined) return
  shown.at = Date.parse(shown.report.shift.previousAt)
  void guarded(load, 'shiftReport.loadFailed')
})
$('facility').addEventListener('change', () => void guarded(load, 'shiftReport.loadFailed'))
$('print').addEventListener('click', () => window.print())
$('csv').addEventListener('click', () => {
  void guarded(() => download(reportPath('&format=csv'), 'shift.csv'), 'shiftReport.loadFailed')
})
bindPage(render, () => void guarded(start, 'shiftReport.loadFailed'))
applyStaticTexts()
void guarded(start, 'shiftReport.loadFailed')
