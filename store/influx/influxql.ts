/** Quotes a string literal for InfluxQL, so no value taken from a request can end the literal early. */
export function stringLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

export interface InfluxSeries {
  name: string
  tags?: Record<string, string>
  columns: string[]
  values: unknown[][]
}

interface QueryResponse {
  results?: { statement_id: number; series?: InfluxSeries[]; error?: string }[]
  error?: string
}

/** The series of the first statement; throws with InfluxDB's own message on a query error. */
export function seriesOf(body: QueryResponse): InfluxSeries[] {
  if (body.error) throw new Error(`InfluxDB query failed: ${body.error}`)
  const result = body.results?.[0]
  if (result?.error) throw new Error(`InfluxDB query failed: ${result.error}`)
  return result?.series ?? []
}
