import { describe, expect, it } from 'vitest'
import {
  analyzeAllocations,
  analyzeProfile,
  categorize,
  type HeapProfileNode,
} from '../../bench/lib/profile.ts'
import { type BenchReport, renderMarkdown, renderTable } from '../../bench/lib/report.ts'

function report(overrides: Partial<BenchReport> = {}): BenchReport {
  return {
    title: 'quantrac benchmark',
    startedAt: '2026-11-23T08:00:00.000Z',
    finishedAt: '2026-11-23T08:01:00.000Z',
    mode: 'quick',
    command: 'node bench/run.ts --quick',
    machine: {
      cpuModel: 'AMD EPYC',
      cores: 2,
      memory: '23.5 GB',
      os: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.1.0',
      node: 'v24.21.0',
      loadAverage: [1.5, 1, 0.5],
    },
    versions: { aedes: '1.2.0', influxd: 'InfluxDB v1.6.7' },
    settings: { fleet: '200 facilities × 5 sensors' },
    targets: [
      { goal: '≥ 50,000 readings/s end to end, lossless', measured: '61 000 readings/s', met: true },
      { goal: 'publish-to-alert p99 ≤ 25 ms', measured: '31.00 ms', met: false },
      { goal: '≤ 10 KB RSS per idle connected sensor', measured: '–', met: undefined },
    ],
    sections: [
      {
        id: 'ceiling',
        title: '1. Ceiling',
        status: 'ok',
        durationMs: 4200,
        summary: ['**30 000 messages/s**'],
        tables: [{ columns: ['measure', 'value'], rows: [['a | b', 1]] }],
        notes: ['a note'],
        data: {},
      },
      {
        id: 'peer',
        title: '4. Peer',
        status: 'failed',
        durationMs: 10,
        summary: [],
        tables: [],
        notes: [],
        data: {},
        error: 'npm install exited with 1',
      },
    ],
    notes: ['The machine was shared.'],
    ...overrides,
  }
}

describe('renderTable', () => {
  it('renders a GitHub table and escapes pipes inside cells', () => {
    expect(renderTable({ columns: ['x', 'y'], rows: [['a | b', 2]] })).toBe(
      '| x | y |\n| --- | --- |\n| a \\| b | 2 |',
    )
  })

  it('puts the title in bold above the table', () => {
    expect(renderTable({ title: 'T', columns: ['x'], rows: [] })).toBe('**T**\n\n| x |\n| --- |')
  })
})

describe('renderMarkdown', () => {
  const markdown = renderMarkdown(report())

  it('starts with the title, the run and the machine, then the versions and settings', () => {
    expect(markdown.startsWith('# quantrac benchmark\n')).toBe(true)
    expect(markdown).toContain('mode **quick**')
    expect(markdown).toContain('| CPU | AMD EPYC |')
    expect(markdown).toContain('| Node | v24.21.0 |')
    expect(markdown).toContain('| aedes | 1.2.0 |')
    expect(markdown.indexOf('**Machine**')).toBeLessThan(markdown.indexOf('## Targets'))
  })

  it('marks each target met, missed or not measured', () => {
    expect(markdown).toContain('| ≥ 50,000 readings/s end to end, lossless | 61 000 readings/s | yes |')
    expect(markdown).toContain('| publish-to-alert p99 ≤ 25 ms | 31.00 ms | **no** |')
    expect(markdown).toContain('| ≤ 10 KB RSS per idle connected sensor | – | not measured |')
  })

  it('renders sections in order, with a failed one’s error instead of figures', () => {
    expect(markdown.indexOf('## 1. Ceiling')).toBeLessThan(markdown.indexOf('## 4. Peer'))
    expect(markdown).toContain('- **30 000 messages/s**')
    expect(markdown).toContain('*failed*: npm install exited with 1')
  })

  it('quotes the run’s notes', () => {
    expect(markdown).toContain('> The machine was shared.')
  })
})

describe('CPU profile analysis', () => {
  it('puts frames in categories by where their code lives', () => {
    expect(categorize('file:///repo/node_modules/aedes/lib/handlers/publish.js', 'handlePublish')).toBe(
      'aedes broker',
    )
    expect(categorize('file:///repo/node_modules/zod/v4/core/schemas.js', 'parse')).toBe('zod validation')
    expect(categorize('file:///repo/ingest/decode.ts', 'decodeMessage')).toBe('decode (topic, units, ranges)')
    expect(categorize('', '(garbage collector)')).toBe('garbage collection')
    expect(categorize('', 'parse')).toBe('V8 builtins / native (JSON, RegExp, …)')
  })

  it('sums self time per category as a share of busy time, idle left out', () => {
    const analysis = analyzeProfile({
      nodes: [
        { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        {
          id: 2,
          callFrame: { functionName: 'decodeMessage', url: 'file:///r/ingest/decode.ts', lineNumber: 37 },
        },
        {
          id: 3,
          callFrame: { functionName: 'handle', url: 'file:///r/node_modules/aedes/aedes.js', lineNumber: 9 },
        },
      ],
      samples: [1, 2, 2, 3],
      timeDeltas: [1000, 3000, 3000, 2000],
      startTime: 0,
      endTime: 9000,
    })
    expect(analysis.idleShare).toBeCloseTo(1 / 9)
    expect(analysis.categories[0]).toMatchObject({
      name: 'decode (topic, units, ranges)',
      selfMs: 6,
      share: 0.75,
    })
    expect(analysis.functions[0]?.name).toBe('decodeMessage ingest/decode.ts:38')
  })
})

describe('allocation profile analysis', () => {
  const node = (functionName: string, url: string, selfSize: number, children: HeapProfileNode[] = []) => ({
    callFrame: { functionName, url, lineNumber: 0 },
    selfSize,
    children,
  })

  it("charges Node's and V8's allocations to the nearest caller of their own", () => {
    const head = node('(root)', '', 0, [
      node('parse', 'file:///r/node_modules/mqtt-packet/parser.js', 100, [
        // a Buffer made for the parser, in Node's code: the parser's
        node('allocUnsafe', 'node:buffer', 300),
      ]),
      node('decodeMessage', 'file:///r/ingest/decode.ts', 50, [node('parse', '', 450)]),
      node('debug', 'file:///r/node_modules/debug/src/common.js', 100),
      node('(program)', '', 0),
    ])
    const { totalBytes, categories, functions } = analyzeAllocations(head)
    expect(totalBytes).toBe(1000)
    expect(categories).toEqual([
      { name: 'decode (topic, units, ranges)', bytes: 500, share: 0.5 },
      { name: 'MQTT packet parsing/writing (mqtt-packet, bl)', bytes: 400, share: 0.4 },
      { name: 'debug() calls (disabled)', bytes: 100, share: 0.1 },
    ])
    expect(functions[0]).toEqual({ name: 'decodeMessage ingest/decode.ts:1', bytes: 500, share: 0.5 })
  })

  it('keeps an allocation with no caller of its own in V8 builtins', () => {
    const { categories } = analyzeAllocations(node('(root)', '', 0, [node('JSON.parse', '', 10)]))
    expect(categories).toEqual([{ name: 'V8 builtins / native (JSON, RegExp, …)', bytes: 10, share: 1 }])
  })
})
