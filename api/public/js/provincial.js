// @ts-check
// The provincial report's monitoring section on the regulator's page: GET /api/v1/reports/provincial for
// the province and period chosen — facilities monitored / reporting, table 1 (microclimate, physical and
// chemical factors) and table 2 (dust), each pair (1) samples measured, (2) samples failing the limit —
// with each table as CSV and the whole as an XLSX workbook, as the Department of Health files it.

import { $, all, saveDownload, table } from './dom.js'

const PATH = '/api/v1/reports/provincial'

export const PROVINCIAL_STRINGS = {
  en: {
    provincial: 'Provincial occupational-health report: working-environment monitoring',
    provincialHelp:
      'Section VI of the six-monthly / yearly report (Circular 19/2016/TT-BYT, annex 10), from periodic campaigns and continuous sensors. Choose a province.',
    provincialChoose: 'Choose a province above to draw up its report.',
    provincialSummary:
      '{province} ({code}), {period}: facilities monitored / facilities reporting: {monitored}/{reporting}.',
    provincialTable1: 'Table 1. Microclimate, physical and chemical factors',
    provincialTable2: 'Table 2. Dust',
    provincialNote:
      '(1) samples measured, (2) samples failing the limit. A sensor gives one sample per working hour in which it reported while in calibration; it fails when the hour’s mean exceeds the 8-hour limit or its maximum exceeds a ceiling.',
    'col.no': 'No.',
    'col.workersTotal': 'Workers',
    'col.inContact': 'Workers in contact',
    'col.total': 'Total',
    totalRow: 'Total',
    xlsx: 'XLSX',
    noRows: 'No sample in this period.',
  },
  vi: {
    provincial: 'Báo cáo hoạt động y tế lao động tuyến tỉnh: kết quả quan trắc môi trường lao động',
    provincialHelp:
      'Mục VI của báo cáo 6 tháng/năm (Thông tư 19/2016/TT-BYT, phụ lục 10), từ các đợt quan trắc định kỳ và cảm biến quan trắc liên tục. Hãy chọn tỉnh, thành phố.',
    provincialChoose: 'Chọn tỉnh, thành phố ở trên để lập báo cáo.',
    provincialSummary:
      '{province} ({code}), kỳ {period}: số cơ sở được quan trắc môi trường lao động/tổng số cơ sở báo cáo: {monitored}/{reporting}.',
    provincialTable1: 'Bảng 1. Kết quả quan trắc các yếu tố vi khí hậu và vật lý, hóa học',
    provincialTable2: 'Bảng 2. Kết quả quan trắc yếu tố bụi',
    provincialNote:
      '(1): Tổng số mẫu quan trắc; (2): Tổng số mẫu không đạt. Mỗi giờ làm việc có số liệu của một cảm biến còn hạn hiệu chuẩn là một mẫu; không đạt khi trung bình giờ vượt giới hạn 8 giờ hoặc giá trị lớn nhất vượt giới hạn trần.',
    'col.no': 'TT',
    'col.workersTotal': 'Tổng số người lao động',
    'col.inContact': 'Số người tiếp xúc',
    'col.total': 'Tổng số',
    totalRow: 'Tổng cộng',
    xlsx: 'XLSX',
    noRows: 'Không có mẫu nào trong kỳ.',
  },
}

let current

function annexTable(id, data, ctx) {
  const { t, tr } = ctx
  const english = tr.language === 'en'
  const pairs = data.columns.map((c) => ({ id: c.id, name: english ? c.label : c.heading }))
  const withTotal = data.id === 'dust'
  const top = [
    { text: t('col.no'), rowSpan: 2 },
    { text: t('col.facility'), rowSpan: 2 },
    { text: t('col.workersTotal'), rowSpan: 2 },
    { text: t('col.inContact'), rowSpan: 2 },
    ...pairs.map((p) => ({ text: p.name, colSpan: 2 })),
    ...(withTotal ? [{ text: t('col.total'), colSpan: 2 }] : []),
  ]
  const sub = [...pairs, ...(withTotal ? [{}] : [])].flatMap(() => ['(1)', '(2)'])
  const n = (value) => (value === null || value === undefined ? '' : tr.number(value, 0))
  const cells = (row) => [
    ...pairs.flatMap((p) => [n(row.cells[p.id]?.samples ?? 0), n(row.cells[p.id]?.failing ?? 0)]),
    ...(withTotal ? [n(row.total?.samples ?? 0), n(row.total?.failing ?? 0)] : []),
  ]
  const rows = data.rows.map((row) => [
    n(row.no),
    row.name,
    n(row.workers),
    `${n(row.workersInContact)}${row.workersInContactIncomplete && row.workersInContact !== null ? ' +' : ''}`,
    ...cells(row),
  ])
  if (data.rows.length > 0) {
    rows.push([
      '',
      t('totalRow'),
      n(data.totals.workers),
      n(data.totals.workersInContact),
      ...cells(data.totals),
    ])
  }
  table(id, [top, sub], rows, t('noRows'))
}

function render(ctx) {
  const { t } = ctx
  const section = $('provincial-section')
  section.hidden = false
  for (const el of all('[data-i18n]', section)) el.textContent = t(el.dataset.i18n)
  const ready = current !== undefined
  $('provincial-choose').hidden = ready
  $('provincial-body').hidden = !ready
  if (!ready) return
  $('provincial-summary').textContent = t('provincialSummary', {
    province: current.province.name,
    code: current.province.code,
    period: current.period,
    monitored: current.monitoredFacilities,
    reporting: current.reportingFacilities,
  })
  annexTable('provincial-physical', current.physical, ctx)
  annexTable('provincial-dust', current.dust, ctx)
}

async function download(ctx, query) {
  try {
    const response = await ctx.fetchReport(`${PATH}?${query}`, '*/*')
    await saveDownload(response, 'provincial-report')
  } catch (err) {
    ctx.showBanner(err.message)
  }
}

let bound
let context

/**
 * Loads and shows the provincial report of `province` (a 2-digit code) for `period`; without a province,
 * asks for one. `ctx` brings the page's translator and its authenticated fetch.
 */
export async function loadProvincial(ctx) {
  context = ctx
  if (!bound) {
    bound = true
    for (const button of all('[data-provincial]')) {
      button.addEventListener('click', () => {
        if (current === undefined) return
        const { format, table: which } = button.dataset
        const query = new URLSearchParams({ period: current.period, province: current.province.code, format })
        if (which) query.set('table', which)
        void download(context, query)
      })
    }
  }
  current = undefined
  if (!ctx.province) return render(ctx)
  try {
    const query = new URLSearchParams({ period: ctx.period, province: ctx.province })
    current = await (await ctx.fetchReport(`${PATH}?${query}`, 'application/json')).json()
  } catch (err) {
    ctx.showBanner(err.message)
  }
  render(ctx)
}

/** Draws the section again in the page's current language. */
export function renderProvincial(ctx) {
  if (context !== undefined) render({ ...context, ...ctx })
}
