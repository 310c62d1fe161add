import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { MachineInfo } from './machine.ts'

export const SECTION_IDS = [
  'hot-path',
  'store',
  'ceiling',
  'end-to-end',
  'notifications',
  'peer',
  'scale',
  'startup',
  'partitioned',
] as const
export type SectionId = (typeof SECTION_IDS)[number]

export interface Table {
  title?: string
  columns: string[]
  rows: (string | number)[][]
}

/** What one section found: prose for people, `data` for the JSON (raw numbers, no formatting). */
export interface SectionResult {
  id: SectionId
  title: string
  status: 'ok' | 'skipped' | 'failed'
  durationMs: number
  summary: string[]
  tables: Table[]
  notes: string[]
  data: Record<string, unknown>
  /** Acknowledged readings missing from the store, per table of quantrac's runs (issue #21: 0 in every table). */
  losses?: TableLoss[]
  error?: string
}

export interface TableLoss {
  table: string
  acknowledged: number
  lost: number
}

export interface TargetCheck {
  goal: string
  measured: string
  /** undefined when the section that measures it did not run. */
  met: boolean | undefined
  /** For a goal not met: what the run shows holds it back. */
  bound?: string
}

export interface BenchReport {
  title: string
  startedAt: string
  finishedAt: string
  mode: 'quick' | 'full'
  command: string
  machine: MachineInfo
  versions: Record<string, string>
  settings: Record<string, string | number | boolean>
  targets: TargetCheck[]
  sections: SectionResult[]
  notes: string[]
}

function cell(value: string | number): string {
  return String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function renderTable(table: Table): string {
  const lines: string[] = []
  if (table.title) lines.push(`**${table.title}**`, '')
  lines.push(`| ${table.columns.map(cell).join(' | ')} |`)
  lines.push(`| ${table.columns.map(() => '---').join(' | ')} |`)
  for (const row of table.rows) lines.push(`| ${row.map(cell).join(' | ')} |`)
  return lines.join('\n')
}

function keyValueTable(title: string, entries: Record<string, string | number | boolean>): string {
  return renderTable({
    title,
    columns: ['', ''],
    rows: Object.entries(entries).map(([k, v]) => [k, String(v)]),
  })
}

const MET = { true: 'yes', false: '**no**', undefined: 'not measured' } as const

/** The report as Markdown: machine and settings first, then the targets, then each section in run order. */
export function renderMarkdown(report: BenchReport): string {
  const { machine } = report
  const parts: string[] = [
    `# ${report.title}`,
    `Run ${report.startedAt} → ${report.finishedAt}, mode **${report.mode}**, \`${report.command}\`.`,
  ]
  if (report.notes.length > 0) parts.push(report.notes.map((note) => `> ${note}`).join('\n>\n'))
  parts.push(
    keyValueTable('Machine', {
      CPU: machine.cpuModel,
      cores: machine.cores,
      RAM: machine.memory,
      OS: machine.os,
      kernel: machine.kernel,
      Node: machine.node,
      'load average at start (1, 5, 15 min)': machine.loadAverage.map((l) => l.toFixed(2)).join(', '),
    }),
    keyValueTable('Versions', report.versions),
    keyValueTable('Settings', report.settings),
    '## Targets',
    renderTable({
      columns: ['goal (2-core machine)', 'measured', 'met', 'what bounds it'],
      rows: report.targets.map((t) => [
        t.goal,
        t.measured,
        MET[String(t.met) as keyof typeof MET],
        t.met === false ? (t.bound ?? '') : '',
      ]),
    }),
  )
  for (const section of report.sections) {
    parts.push(`## ${section.title}`)
    if (section.status !== 'ok') {
      parts.push(`*${section.status}*${section.error ? `: ${section.error}` : ''}`)
    }
    if (section.summary.length > 0) parts.push(section.summary.map((line) => `- ${line}`).join('\n'))
    for (const table of section.tables) parts.push(renderTable(table))
    if (section.notes.length > 0) parts.push(section.notes.join('\n\n'))
    parts.push(`<sub>section time ${(section.durationMs / 1000).toFixed(1)} s</sub>`)
  }
  return `${parts.join('\n\n')}\n`
}

/** Writes `latest.md` and `latest.json` through temporary files, so a reader never sees half a report. */
export async function writeReport(
  directory: string,
  report: BenchReport,
): Promise<{ markdown: string; json: string }> {
  await mkdir(directory, { recursive: true })
  const markdown = join(directory, 'latest.md')
  const json = join(directory, 'latest.json')
  await writeFile(`${markdown}.tmp`, renderMarkdown(report))
  await writeFile(`${json}.tmp`, `${JSON.stringify(report, null, 2)}\n`)
  await rename(`${markdown}.tmp`, markdown)
  await rename(`${json}.tmp`, json)
  return { markdown, json }
}
