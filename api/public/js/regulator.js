// @ts-check
// The regulator's page: the coverage report of GET /api/v1/reports/coverage — monitored facilities against
// the +5 %-a-year target of Directive 31-CT/TW, by province and sector, what counted each facility (sensors,
// campaigns), the facilities that fall short and why, TWA/STEL exceedances and the workers to examine — with
// each table as CSV; for one province, the provincial report's monitoring tables (provincial.js). Same
// sign-in (the API key kept in this browser) and languages as the live page; the report's own labels are
// here, the shared ones in i18n.js.

import { $, all, element, saveDownload, table } from './dom.js'
import { loadFactorCatalogue } from './factors.js'
import { createTranslator, initialLanguage, saveLanguage } from './i18n.js'
import { loadProvincial, PROVINCIAL_STRINGS, renderProvincial } from './provincial.js'
import { AuthError, askForKey as askForKeyThen, bindSignIn, withApiKey } from './sign-in.js'

const REPORT_PATH = '/api/v1/reports/coverage'
const PROVINCES_PATH = '/api/v1/provinces'

const STRINGS = {
  en: {
    reportTitle: 'Facilities with monitored working environments',
    livePage: 'Live monitoring',
    period: 'Period',
    province: 'Province',
    sector: 'Sector',
    all: 'All',
    show: 'Show report',
    summary: 'Summary',
    hazardous: 'Facilities with hazardous factors',
    monitored: 'Monitored facilities',
    previous: 'Monitored in {period}',
    growth: 'Growth on the previous period',
    byProvince: 'By province',
    bySector: 'By sector',
    shortfalls: 'Facilities not monitored, and why',
    exceedances: 'TWA and STEL exceedances by factor',
    keyHelpRegulator:
      'The report is for API keys of regulators and administrators. The key is kept in this browser until you sign out.',
    loading: 'Loading the report…',
    loadFailed: 'Could not load the report. Try again.',
    forbidden: 'This API key may not read reports: sign in with a regulator’s or an administrator’s key.',
    share: '{percent} of {total}',
    noGrowth: 'no facility monitored before',
    'verdict.on-track': 'On track: {growth} on {previous}, target at least +{target}.',
    'verdict.on-track-from-zero': 'On track: monitoring began this period (none in {previous}).',
    'verdict.all-monitored': 'On track: every facility with hazardous factors is monitored.',
    'verdict.behind': 'Behind the +{target} target: {needed} more facilities must be monitored.',
    'verdict.no-hazardous-facilities': 'No facility with hazardous factors in this scope.',
    running: 'Period still running: judged up to {time}.',
    definition:
      'Monitored: for every hazardous factor registered, a sensor in calibration whose data covers at least {coverage} of working hours ({shiftHours}-hour shifts). Target +{annual} a year, compounded for quarters and months.',
    'col.name.province': 'Province',
    'col.name.sector': 'Sector',
    'col.hazardous': 'Hazardous',
    'col.monitored': 'Monitored',
    'col.share': 'Share',
    'col.previous': 'Previous',
    'col.growth': 'Growth',
    'col.status': 'Status',
    'col.needed': 'Needed',
    'col.facility': 'Facility',
    'col.reasons': 'Reasons',
    'col.factor': 'Factor',
    'col.facilities': 'Facilities',
    'col.twa': 'TWA alarms',
    'col.stel': 'STEL alarms',
    'status.on-track': 'on track',
    'status.all-monitored': 'all monitored',
    'status.behind': 'behind',
    'status.no-hazardous-facilities': '—',
    'reason.no-sensor': '{factor}: no sensor registered',
    'reason.no-data': '{factor}: no data in working hours ({sensors})',
    'reason.low-coverage': '{factor}: data in {coverage} of working hours, under {required} ({sensors})',
    'reason.calibration-overdue': '{factor}: calibration overdue since {date} ({sensors})',
    'reason.calibration-unknown': '{factor}: no calibration date registered ({sensors})',
    'reason.not-commissioned': '{factor}: sensor still commissioning ({sensors})',
    noShortfalls: 'Every facility with hazardous factors is monitored.',
    noExceedances: 'No TWA or STEL alarm in this period.',
    'reason.not-in-campaign': '{factor}: not sampled by campaign {campaigns}',
    sources: 'Counted by sensors only: {continuous} · by campaigns only: {campaign} · by both: {both}.',
    registeredLater: '{count} facilities registered after the period are not counted.',
    facilities: 'Facilities and what counted them',
    'col.counted': 'Counted by',
    'col.factors': 'Factors',
    'source.continuous': 'sensors',
    'source.campaign': 'campaign',
    yes: 'yes',
    no: 'no',
    exposed: 'Workers to examine',
    exposedWorkers: 'Workers in zones over a limit',
    exposedHelp:
      'Workers of the zones where a factor exceeded its limit in the period (an alarm-level alert, or campaign samples over the limit): the workers to call for an occupational-disease examination.',
    'col.workers': 'Workers',
    'col.toExamine': 'To examine',
    'col.zones': 'Zones',
    zoneWorkers: '{zone}: {workers} ({factors})',
    workersUnknown: 'worker count missing',
    unattributed: '{factor}: sensor in no zone ({evidence})',
    noExposed: 'No factor exceeded its limit in this period.',
    campaignsPage: 'Monitoring campaigns',
  },
  vi: {
    reportTitle: 'Cơ sở được quan trắc môi trường lao động',
    livePage: 'Giám sát trực tuyến',
    period: 'Kỳ báo cáo',
    province: 'Tỉnh, thành phố',
    sector: 'Ngành',
    all: 'Tất cả',
    show: 'Xem báo cáo',
    summary: 'Tổng hợp',
    hazardous: 'Cơ sở có yếu tố có hại',
    monitored: 'Cơ sở được quan trắc',
    previous: 'Được quan trắc kỳ {period}',
    growth: 'Tăng so với kỳ trước',
    byProvince: 'Theo tỉnh, thành phố',
    bySector: 'Theo ngành',
    shortfalls: 'Cơ sở chưa được quan trắc và lý do',
    exceedances: 'Vượt giới hạn TWA, STEL theo yếu tố',
    keyHelpRegulator:
      'Báo cáo dành cho khóa API của cơ quan quản lý hoặc quản trị viên. Khóa được lưu trên trình duyệt này cho đến khi đăng xuất.',
    loading: 'Đang tải báo cáo…',
    loadFailed: 'Không tải được báo cáo. Hãy thử lại.',
    forbidden:
      'Khóa API này không được xem báo cáo: hãy đăng nhập bằng khóa của cơ quan quản lý hoặc quản trị viên.',
    share: '{percent} trên {total}',
    noGrowth: 'kỳ trước chưa có cơ sở nào',
    'verdict.on-track': 'Đạt mục tiêu: {growth} so với {previous}, mục tiêu tối thiểu +{target}.',
    'verdict.on-track-from-zero': 'Đạt mục tiêu: bắt đầu quan trắc trong kỳ này ({previous} chưa có).',
    'verdict.all-monitored': 'Đạt: mọi cơ sở có yếu tố có hại đều được quan trắc.',
    'verdict.behind': 'Chưa đạt mục tiêu tăng {target}: cần thêm {needed} cơ sở được quan trắc.',
    'verdict.no-hazardous-facilities': 'Không có cơ sở nào có yếu tố có hại trong phạm vi này.',
    running: 'Kỳ chưa kết thúc: đánh giá đến {time}.',
    definition:
      'Được quan trắc: với mỗi yếu tố có hại đã đăng ký, có một cảm biến còn hạn hiệu chuẩn với số liệu phủ ít nhất {coverage} giờ làm việc (ca {shiftHours} giờ). Mục tiêu tăng {annual} mỗi năm, quy đổi lũy kế cho quý và tháng.',
    'col.name.province': 'Tỉnh, thành phố',
    'col.name.sector': 'Ngành',
    'col.hazardous': 'Có yếu tố có hại',
    'col.monitored': 'Được quan trắc',
    'col.share': 'Tỷ lệ',
    'col.previous': 'Kỳ trước',
    'col.growth': 'Tăng',
    'col.status': 'Đánh giá',
    'col.needed': 'Cần thêm',
    'col.facility': 'Cơ sở',
    'col.reasons': 'Lý do',
    'col.factor': 'Yếu tố',
    'col.facilities': 'Số cơ sở',
    'col.twa': 'Cảnh báo TWA',
    'col.stel': 'Cảnh báo STEL',
    'status.on-track': 'đạt',
    'status.all-monitored': 'đạt (toàn bộ)',
    'status.behind': 'chưa đạt',
    'status.no-hazardous-facilities': '—',
    'reason.no-sensor': '{factor}: chưa có cảm biến',
    'reason.no-data': '{factor}: không có số liệu trong giờ làm việc ({sensors})',
    'reason.low-coverage': '{factor}: số liệu phủ {coverage} giờ làm việc, dưới {required} ({sensors})',
    'reason.calibration-overdue': '{factor}: quá hạn hiệu chuẩn từ {date} ({sensors})',
    'reason.calibration-unknown': '{factor}: chưa đăng ký ngày hiệu chuẩn ({sensors})',
    'reason.not-commissioned': '{factor}: cảm biến đang chạy thử, chưa nghiệm thu ({sensors})',
    noShortfalls: 'Mọi cơ sở có yếu tố có hại đều được quan trắc.',
    noExceedances: 'Không có cảnh báo TWA, STEL trong kỳ.',
    'reason.not-in-campaign': '{factor}: đợt quan trắc {campaigns} không đo',
    sources: 'Tính nhờ cảm biến: {continuous} · nhờ đợt quan trắc định kỳ: {campaign} · cả hai: {both}.',
    registeredLater: '{count} cơ sở đăng ký sau kỳ báo cáo không được tính.',
    facilities: 'Cơ sở và nguồn số liệu quan trắc',
    'col.counted': 'Nguồn',
    'col.factors': 'Yếu tố',
    'source.continuous': 'cảm biến',
    'source.campaign': 'đợt quan trắc',
    yes: 'có',
    no: 'không',
    exposed: 'Người lao động cần khám bệnh nghề nghiệp',
    exposedWorkers: 'Người lao động ở vị trí vượt giới hạn',
    exposedHelp:
      'Người lao động ở các vị trí có yếu tố vượt giới hạn trong kỳ (cảnh báo mức báo động, hoặc mẫu không đạt của đợt quan trắc): những người cần mời khám phát hiện bệnh nghề nghiệp.',
    'col.workers': 'Số NLĐ',
    'col.toExamine': 'Cần khám',
    'col.zones': 'Vị trí',
    zoneWorkers: '{zone}: {workers} ({factors})',
    workersUnknown: 'chưa có số người',
    unattributed: '{factor}: cảm biến chưa gắn vị trí ({evidence})',
    noExposed: 'Không có yếu tố nào vượt giới hạn trong kỳ.',
    campaignsPage: 'Đợt quan trắc',
  },
}

const SECTOR_LABELS = {
  vi: {
    garment: 'Dệt may',
    'coal-mining': 'Khai thác than',
    construction: 'Xây dựng',
    cement: 'Xi măng',
    'seafood-processing': 'Chế biến thủy sản',
    steel: 'Thép',
  },
  en: {
    garment: 'Garment and textiles',
    'coal-mining': 'Coal mining',
    construction: 'Construction',
    cement: 'Cement',
    'seafood-processing': 'Seafood processing',
    steel: 'Steel',
  },
}

let tr = createTranslator(initialLanguage())
let report
/** The 34 current units, code → name, from GET /api/v1/provinces. */
let provinces
const known = { sector: new Set() }

/** Shared strings from i18n.js, the report's own from STRINGS and provincial.js, English as the fallback. */
function t(key, values = {}) {
  const template =
    STRINGS[tr.language]?.[key] ??
    PROVINCIAL_STRINGS[tr.language]?.[key] ??
    STRINGS.en[key] ??
    PROVINCIAL_STRINGS.en[key]
  if (template === undefined) return tr.t(key, values)
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match))
}

const percent = (share) => `${tr.number(share * 100, 1)} %`
const signedPercent = (value) => `${value > 0 ? '+' : ''}${tr.number(value, 1)} %`
const sectorLabel = (sector) => SECTOR_LABELS[tr.language]?.[sector] ?? sector
const dateOf = (iso) => new Date(iso).toLocaleDateString(tr.locale, { timeZone: 'Asia/Ho_Chi_Minh' })

// ---------- API ----------

class ForbiddenError extends Error {}

function reportUrl(extra = {}) {
  const params = new URLSearchParams()
  const form = new FormData($('report-form'))
  for (const [name, value] of form) if (value !== '') params.set(name, String(value).trim())
  for (const [name, value] of Object.entries(extra)) params.set(name, value)
  return `${REPORT_PATH}?${params}`
}

async function fetchReport(url, accept) {
  const response = await fetch(url, { headers: withApiKey({ accept }) })
  if (response.status === 401) throw new AuthError('HTTP 401')
  if (response.status === 403) throw new ForbiddenError('HTTP 403')
  if (!response.ok) {
    const body = await response.json().catch(() => ({}))
    throw new Error(body.message ?? `HTTP ${response.status}`)
  }
  return response
}

// ---------- loading ----------

async function load() {
  const url = reportUrl()
  history.replaceState(null, '', `#${url.split('?')[1]}`)
  showBanner(t('loading'))
  try {
    if (provinces === undefined) {
      const { items } = await (await fetchReport(PROVINCES_PATH, 'application/json')).json()
      provinces = new Map(items.map((p) => [p.code, p.name]))
    }
    // Factor names in the tables come with the factor catalogue.
    await loadFactorCatalogue(async (path) => (await fetchReport(path, 'application/json')).json())
    report = await (await fetchReport(url, 'application/json')).json()
  } catch (err) {
    if (err instanceof AuthError) return askForKey(load)
    showBanner(err instanceof ForbiddenError ? t('forbidden') : `${t('loadFailed')} ${err.message}`)
    return
  }
  hideBanner()
  for (const row of report.bySector) known.sector.add(row.name)
  render()
  const province = $('province').value
  void loadProvincial({
    period: $('period').value.trim(),
    province,
    t,
    tr,
    fetchReport,
    showBanner,
    askForKey,
  })
}

async function downloadCsv(table) {
  try {
    const response = await fetchReport(reportUrl({ format: 'csv', table }), 'text/csv')
    await saveDownload(response, `coverage-${table}.csv`)
  } catch (err) {
    if (err instanceof AuthError) return askForKey(() => downloadCsv(table))
    showBanner(err instanceof ForbiddenError ? t('forbidden') : `${t('loadFailed')} ${err.message}`)
  }
}

// ---------- rendering ----------

function render() {
  applyStaticTexts()
  if (report === undefined) return
  for (const section of all('.report-section, .report-summary')) section.hidden = false
  renderProvinceOptions()
  renderOptions('sector', sectorLabel)
  renderSummary()
  renderTallies('provinces-table', report.byProvince, 'province', (v) => v)
  renderTallies('sectors-table', report.bySector, 'sector', sectorLabel)
  renderFacilities()
  renderShortfalls()
  renderExceedances()
  renderExposed()
  renderProvincial({ t, tr })
}

function options(select, entries, current) {
  const all = element('option', undefined, t('all'))
  all.value = ''
  select.replaceChildren(
    all,
    ...entries.map(([value, label]) => {
      const option = element('option', undefined, label)
      option.value = value
      return option
    }),
  )
  select.value = current
}

function renderProvinceOptions() {
  const select = $('province')
  const current = select.value || report.provinceCode || select.dataset.wanted || ''
  const entries = [...(provinces ?? new Map())].sort((a, b) => a[1].localeCompare(b[1], 'vi'))
  options(select, entries, current)
}

function renderOptions(name, label) {
  const select = $(name)
  const current = select.value || report[name] || ''
  const values = [...known[name]].sort((a, b) => label(a).localeCompare(label(b), tr.locale))
  options(
    select,
    values.map((value) => [value, label(value)]),
    current,
  )
}

function growthText(row) {
  return row.growthPercent === null ? t('noGrowth') : signedPercent(row.growthPercent)
}

function renderSummary() {
  $('card-hazardous').textContent = tr.number(report.hazardousFacilities, 0)
  $('card-monitored').textContent =
    `${tr.number(report.monitoredFacilities, 0)} · ${percent(report.monitoredShare)}`
  $('card-previous-label').textContent = t('previous', { period: report.previousPeriod.period })
  $('card-previous').textContent = tr.number(report.previousPeriod.monitoredFacilities, 0)
  $('card-growth').textContent = growthText(report)
  const verdictKey =
    report.verdict === 'on-track' && report.growthPercent === null
      ? 'verdict.on-track-from-zero'
      : `verdict.${report.verdict}`
  const verdict = $('verdict')
  verdict.dataset.verdict = report.verdict
  verdict.textContent = t(verdictKey, {
    growth: growthText(report),
    previous: report.previousPeriod.period,
    target: `${tr.number(report.targetPercent, 2)} %`,
    needed: report.facilitiesNeededForTarget,
  })
  const notes = [
    t('definition', {
      coverage: percent(report.rules.minCoverage),
      shiftHours: report.rules.shiftHours,
      annual: `${tr.number(report.rules.annualTargetPercent, 1)} %`,
    }),
  ]
  if (!report.complete) notes.push(t('running', { time: tr.time(report.evaluatedUntil) }))
  $('definition').textContent = notes.join(' ')
  const sources = [t('sources', report.monitoredBySource)]
  if (report.facilitiesRegisteredLater > 0) {
    sources.push(t('registeredLater', { count: report.facilitiesRegisteredLater }))
  }
  $('sources-note').textContent = sources.join(' ')
}

function sourceBadges(sources) {
  const box = element('span', 'source-badges')
  for (const source of sources) {
    const badge = element('span', 'source-badge', t(`source.${source}`))
    badge.dataset.source = source
    box.append(badge)
  }
  return box
}

function renderFacilities() {
  table(
    'facilities-table',
    [t('col.facility'), t('col.name.province'), t('col.monitored'), t('col.counted'), t('col.factors')],
    report.facilities.map((f) => [
      `${f.name} (${f.facilityId})`,
      f.province,
      f.monitored ? t('yes') : t('no'),
      sourceBadges(f.sources),
      f.factors
        .map((x) => {
          const by = x.sources.map((source) => t(`source.${source}`)).join(', ')
          return `${tr.factorLabel(x.factor, x.factor)}${by ? `: ${by}` : ' —'}`
        })
        .join('; '),
    ]),
    '—',
  )
}

function renderExposed() {
  $('card-exposed').textContent = tr.number(report.exposedWorkers, 0)
  table(
    'exposed-factors-table',
    [t('col.factor'), t('col.toExamine'), t('col.facilities')],
    report.exposedWorkersByFactor.map((row) => [
      tr.factorLabel(row.factor, row.factor),
      tr.number(row.exposedWorkers, 0),
      tr.number(row.facilities, 0),
    ]),
    t('noExposed'),
  )
  table(
    'exposed-table',
    [t('col.facility'), t('col.name.province'), t('col.workers'), t('col.toExamine'), t('col.zones')],
    report.exposedFacilities.map((f) => {
      const list = element('ul', 'reason-list')
      for (const zone of f.zones) {
        const workers = zone.workers === undefined ? t('workersUnknown') : tr.number(zone.workers, 0)
        const factors = zone.factors.map((factor) => tr.factorLabel(factor, factor)).join(', ')
        list.append(element('li', undefined, t('zoneWorkers', { zone: zone.name, workers, factors })))
      }
      for (const u of f.unattributed) {
        const factor = tr.factorLabel(u.factor, u.factor)
        list.append(element('li', undefined, t('unattributed', { factor, evidence: u.evidence.join(', ') })))
      }
      return [
        `${f.name} (${f.facilityId})`,
        f.province,
        tr.number(f.workers, 0),
        `${tr.number(f.exposedWorkers, 0)}${f.workersUnknown ? ' +' : ''}`,
        list,
      ]
    }),
    t('noExposed'),
  )
}

function renderTallies(id, rows, kind, label) {
  table(
    id,
    [
      t(`col.name.${kind}`),
      t('col.hazardous'),
      t('col.monitored'),
      t('col.share'),
      t('col.previous'),
      t('col.growth'),
      t('col.status'),
      t('col.needed'),
    ],
    rows.map((row) => {
      const status = element('span', 'verdict-badge', t(`status.${row.verdict}`))
      status.dataset.verdict = row.verdict
      return [
        label(row.name),
        tr.number(row.hazardousFacilities, 0),
        tr.number(row.monitoredFacilities, 0),
        percent(row.monitoredShare),
        tr.number(row.previousMonitoredFacilities, 0),
        row.growthPercent === null ? '—' : signedPercent(row.growthPercent),
        status,
        tr.number(row.facilitiesNeededForTarget, 0),
      ]
    }),
    '—',
  )
}

function reasonText(reason) {
  return t(`reason.${reason.code}`, {
    factor: tr.factorLabel(reason.factor, reason.factor),
    sensors: reason.sensorIds.join(', '),
    coverage: reason.coverage === undefined ? '' : percent(reason.coverage),
    required: reason.required === undefined ? '' : percent(reason.required),
    date: reason.calibrationDue === undefined ? '' : dateOf(reason.calibrationDue),
    campaigns: (reason.campaignIds ?? []).join(', '),
  })
}

function renderShortfalls() {
  const count = $('shortfall-count')
  count.textContent = String(report.shortfalls.length)
  count.dataset.count = String(report.shortfalls.length)
  table(
    'shortfalls-table',
    [t('col.facility'), t('col.name.province'), t('col.name.sector'), t('col.reasons')],
    report.shortfalls.map((s) => {
      const list = element('ul', 'reason-list')
      for (const reason of s.reasons) {
        const item = element('li', undefined, reasonText(reason))
        item.dataset.code = reason.code
        list.append(item)
      }
      return [`${s.name} (${s.facilityId})`, s.province, sectorLabel(s.sector), list]
    }),
    t('noShortfalls'),
  )
}

function renderExceedances() {
  table(
    'exceedances-table',
    [t('col.factor'), t('col.facilities'), t('col.twa'), t('col.stel')],
    report.exceedances.map((e) => [
      tr.factorLabel(e.factor, e.factor),
      tr.number(e.facilities, 0),
      tr.number(e.twaAlerts, 0),
      tr.number(e.stelAlerts, 0),
    ]),
    t('noExceedances'),
  )
}

function applyStaticTexts() {
  document.documentElement.lang = tr.language
  for (const el of all('[data-i18n]')) el.textContent = t(el.dataset.i18n)
  for (const button of all('[data-language]')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === tr.language))
  }
}

function showBanner(text) {
  $('banner').textContent = text
  $('banner').hidden = false
}

function hideBanner() {
  $('banner').hidden = true
}

// ---------- API key ----------

function askForKey(next) {
  hideBanner()
  askForKeyThen(next)
}

// ---------- start ----------

function start() {
  const params = new URLSearchParams(location.hash.slice(1))
  $('period').value = params.get('period') ?? String(new Date().getFullYear() - 1)
  // The province list arrives with the first report; until then the wanted code waits on the select.
  const province = params.get('province')
  if (province) {
    $('province').dataset.wanted = province
    const option = element('option', undefined, province)
    option.value = province
    $('province').append(option)
    $('province').value = province
  }
  const sector = params.get('sector')
  if (sector) {
    known.sector.add(sector)
    const option = element('option', undefined, sector)
    option.value = sector
    $('sector').append(option)
    $('sector').value = sector
  }
  $('report-form').addEventListener('submit', (event) => {
    event.preventDefault()
    void load()
  })
  for (const button of all('.csv-button:not([data-provincial])')) {
    button.addEventListener('click', () => void downloadCsv(button.dataset.table))
  }
  for (const button of all('[data-language]')) {
    button.addEventListener('click', () => {
      saveLanguage(button.dataset.language)
      tr = createTranslator(button.dataset.language)
      render()
    })
  }
  bindSignIn({ refused: () => t('keyRefused'), onSignedOut: () => askForKey(load) })
  applyStaticTexts()
  void load()
}

start()
