// @ts-check
// The provincial report's monitoring section on the regulator's page: GET /api/v1/reports/provincial for
// the province and period chosen — facilities monitored / reporting, table 1 (microclimate, physical and
// chemical factors) and table 2 (dust), each pair (1) samples measured, (2) samples failing the limit —
// with each table as CSV and the whole as an XLSX workbook, as the Department of Health files it.

import { $, all, saveDownload, table } from './dom.js'

const PATH = '/api/v1/reports/provincial'

let current

function annexTable(id, data, ctx) {
  const { tr } = ctx
  const t = (key) => tr.t(`provincial.${key}`)
  const english = tr.language === 'en'
  const pairs = data.columns.map((c) => ({ id: c.id, name: english ? c.label : c.heading }))
  const withTotal = data.id === 'dust'
  const top = [
    { text: t('col.no'), rowSpan: 2 },
    { text: tr.t('report.col.facility'), rowSpan: 2 },
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
  const { tr } = ctx
  const section = $('provincial-section')
  section.hidden = false
  for (const el of all('[data-i18n]', section)) el.textContent = tr.t(el.dataset.i18n)
  const ready = current !== undefined
  $('provincial-choose').hidden = ready
  $('provincial-body').hidden = !ready
  if (!ready) return
  $('provincial-summary').textContent = tr.t('provincial.summary', {
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
