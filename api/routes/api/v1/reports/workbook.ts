import ExcelJS from 'exceljs'
import {
  ANNEX_TABLES,
  type AnnexColumn,
  type AnnexTableId,
  annexRows,
  type ProvincialReport,
} from '../../../../../core/coverage/annex.ts'
import { REPORT_UTC_OFFSET_MINUTES } from '../../../../../core/coverage/period.ts'

const localDate = (time: number) => {
  const [y, m, d] = new Date(time + REPORT_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10).split('-')
  return `${d}/${m}/${y}`
}

export const SHEETS = {
  summary: 'Tổng hợp',
  physical: 'Bảng 1',
  dust: 'Bảng 2',
  sources: 'Nguồn số liệu',
} as const

/** The definitions printed under the tables: what (1) and (2) are, and how sensors' hours become samples. */
export const NOTES = [
  '(1): Tổng số mẫu quan trắc; (2): Tổng số mẫu không đạt.',
  'Mẫu từ quan trắc liên tục: mỗi giờ làm việc có số liệu của một cảm biến còn hạn hiệu chuẩn là một mẫu; mẫu không đạt khi trung bình giờ vượt giới hạn 8 giờ (hoặc giới hạn trung bình 1 giờ, dưới ngưỡng tối thiểu) hoặc giá trị lớn nhất vượt giới hạn trần.',
  'Continuous monitoring: each working hour in which a sensor in calibration reported is one sample; it fails when the hour’s mean exceeds the 8-hour limit (or the 1-hour mean limit, or falls below a floor) or its maximum exceeds a ceiling.',
  'Mẫu từ các đợt quan trắc định kỳ: số mẫu và số mẫu không đạt do tổ chức quan trắc công bố.',
]

function annexSheet(workbook: ExcelJS.Workbook, report: ProvincialReport, table: AnnexTableId) {
  const spec = ANNEX_TABLES[table]
  const sheet = workbook.addWorksheet(SHEETS[table])
  const body = annexRows(report, table).slice(1)
  const columns = Object.keys(spec.columns) as AnnexColumn[]
  const headings = spec.columns as Record<AnnexColumn, string>
  sheet.addRow([`${table === 'physical' ? '1' : '2'}. ${spec.title}`])
  // Two heading rows as the annex prints them: the factor over its (1) and (2).
  const top = ['TT', 'Tên cơ sở', 'Tổng số người lao động', spec.workersHeading]
  const pairs = [...columns.map((c) => headings[c]), ...(spec.total ? ['Tổng số'] : [])]
  sheet.addRow([...top, ...pairs.flatMap((name) => [name, ''])])
  sheet.addRow(['', '', '', '', ...pairs.flatMap(() => ['(1)', '(2)'])])
  for (let c = 1; c <= top.length; c++) sheet.mergeCells(2, c, 3, c)
  pairs.forEach((_, i) => {
    const first = top.length + 1 + i * 2
    sheet.mergeCells(2, first, 2, first + 1)
  })
  for (const row of body) sheet.addRow(row)
  sheet.addRow([])
  for (const note of NOTES.slice(0, 1)) sheet.addRow([note])
  for (const r of [2, 3]) {
    const row = sheet.getRow(r)
    row.font = { bold: true }
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  }
  sheet.getRow(1).font = { bold: true }
  sheet.getRow(3 + body.length).font = { bold: true }
  sheet.getColumn(2).width = 36
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 3 }]
}

/**
 * The provincial report's monitoring section as an XLSX workbook (exceljs): a summary sheet with the
 * heading the annex gives, one sheet per table as the annex lays it out, and a sheet saying which source
 * measured each figure.
 */
export async function provincialWorkbook(report: ProvincialReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'quantrac'
  workbook.created = new Date(report.evaluatedUntil)

  const summary = workbook.addWorksheet(SHEETS.summary)
  summary.addRows([
    ['BÁO CÁO HOẠT ĐỘNG Y TẾ LAO ĐỘNG 6 THÁNG/NĂM'],
    ['VI. KẾT QUẢ QUAN TRẮC MÔI TRƯỜNG LAO ĐỘNG TRONG KỲ BÁO CÁO'],
    ['Đơn vị báo cáo', `Sở Y tế ${report.province.name}`],
    ['Kính gửi', 'Bộ Y tế (Cục Phòng bệnh)'],
    ['Tỉnh, thành phố', report.province.name],
    ['Mã tỉnh, thành phố', report.province.code],
    ['Kỳ báo cáo', report.period],
    ['Từ ngày', localDate(report.periodStart)],
    ['Đến ngày', localDate(report.periodEnd - 1)],
    ['Số liệu đến', report.complete ? 'hết kỳ' : new Date(report.evaluatedUntil).toISOString()],
    [
      'Số cơ sở được quan trắc môi trường lao động/tổng số cơ sở báo cáo',
      `${report.monitoredFacilities}/${report.reportingFacilities}`,
    ],
    ['Số cơ sở được quan trắc môi trường lao động', report.monitoredFacilities],
    ['Tổng số cơ sở báo cáo', report.reportingFacilities],
    [],
    ...NOTES.map((note) => [note]),
    [
      'Mẫu biểu theo Phụ lục 10, Thông tư 19/2016/TT-BYT (bản được triển khai công khai; xem README của quantrac).',
    ],
  ])
  summary.getColumn(1).width = 60
  summary.getColumn(2).width = 30
  summary.getRow(1).font = { bold: true, size: 13 }
  summary.getRow(2).font = { bold: true }

  annexSheet(workbook, report, 'physical')
  annexSheet(workbook, report, 'dust')

  const sources = workbook.addWorksheet(SHEETS.sources)
  sources.addRow([
    'Bảng',
    'Mã cơ sở',
    'Tên cơ sở',
    'Yếu tố',
    'Mẫu liên tục (1)',
    'Mẫu liên tục (2)',
    'Mẫu liên tục không có giới hạn',
    'Mẫu đợt quan trắc (1)',
    'Mẫu đợt quan trắc (2)',
    'Đợt quan trắc',
  ])
  sources.getRow(1).font = { bold: true }
  for (const table of ['physical', 'dust'] as const) {
    const headings = ANNEX_TABLES[table].columns as Record<AnnexColumn, string>
    for (const row of report[table].rows) {
      for (const [column, cell] of Object.entries(row.cells) as [
        AnnexColumn,
        NonNullable<(typeof row.cells)[AnnexColumn]>,
      ][]) {
        sources.addRow([
          SHEETS[table],
          row.facilityId,
          row.name,
          headings[column],
          cell.continuous.samples,
          cell.continuous.failing,
          cell.continuous.unjudged,
          cell.campaign.samples,
          cell.campaign.failing,
          row.sources.campaignIds.join(';'),
        ])
      }
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
