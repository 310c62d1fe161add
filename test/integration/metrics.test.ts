import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveMetrics } from '../../metrics/index.ts'
import { type Platform, type SensorCredentials, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

/** The value of one sample in Prometheus text, e.g. `quantrac_ingest_rejected_total{reason="json"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('metrics', () => {
  let platform: Platform
  let sensor: MqttClient
  let noise: SensorCredentials

  const scrape = async () => {
    const response = await fetch(`${platform.apiUrl}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/plain')
    return response.text()
  }

  beforeAll(async () => {
    platform = await startPlatform()
    noise = await platform.registerSensor('fac-m', 'noise-m', ['noise'])
    sensor = await platform.connectSensor(noise)
  })

  afterAll(async () => {
    await sensor?.endAsync()
    await platform?.stop()
  })

  it('serves Prometheus metrics at /metrics without an API key: ingest, spool, store writes, alerts, broker', async () => {
    const before = await scrape()
    await sensor.publishAsync(noise.topic, JSON.stringify({ factor: 'noise', value: 118, unit: 'dBA' }), {
      qos: 1,
    })
    await sensor.publishAsync(noise.topic, '{"factor": noise', { qos: 1 })
    await waitUntil(
      async () => (sample(await scrape(), 'quantrac_ingest_written_total{stream="readings"}') ?? 0) >= 1,
      10_000,
      () => 'no store write counted',
    )
    const text = await scrape()
    const delta = (series: string) => (sample(text, series) ?? 0) - (sample(before, series) ?? 0)
    expect(delta('quantrac_ingest_messages_received_total')).toBe(2)
    expect(delta('quantrac_ingest_readings_accepted_total')).toBe(1)
    expect(delta('quantrac_ingest_rejected_total{reason="json"}')).toBe(1)
    expect(delta('quantrac_ingest_spooled_total{stream="readings"}')).toBe(1)
    expect(sample(text, 'quantrac_ingest_spool_items{stream="readings"}')).toBe(0)
    expect(sample(text, 'quantrac_ingest_spool_oldest_age_seconds{stream="readings"}')).toBe(0)
    expect(sample(text, 'quantrac_ingest_spool_max_bytes')).toBeGreaterThan(0)
    expect(sample(text, 'quantrac_open_alerts')).toBe(1)
    // The sensor and the API; ingest takes readings from the embedded broker in memory, with no connection.
    expect(sample(text, 'quantrac_broker_connections')).toBeGreaterThanOrEqual(2)
    expect(text).toContain('quantrac_broker_refused_total{kind="packet-too-large",reason="too-large"}')
    expect(text).toMatch(/quantrac_ingest_write_duration_seconds_count\{stream="readings"\} [1-9]/)
    expect(text).toMatch(/quantrac_ingest_lag_seconds_count [1-9]/)
    expect(text).toContain('quantrac_process_resident_memory_bytes')
  })

  it('shows the spool filling while the store fails, with its size and age', async () => {
    const store = platform.store
    const write = store.writeReadings
    store.writeReadings = async () => {
      throw new Error('store down')
    }
    try {
      await sensor.publishAsync(noise.topic, JSON.stringify({ factor: 'noise', value: 70, unit: 'dBA' }), {
        qos: 1,
      })
      await new Promise((resolve) => setTimeout(resolve, 1200))
      const text = await scrape()
      expect(sample(text, 'quantrac_ingest_spool_items{stream="readings"}')).toBe(1)
      expect(sample(text, 'quantrac_ingest_spool_bytes{stream="readings"}')).toBeGreaterThan(0)
      expect(sample(text, 'quantrac_ingest_spool_oldest_age_seconds{stream="readings"}')).toBeGreaterThan(0.5)
      expect(
        sample(text, 'quantrac_ingest_write_failures_total{stream="readings",retryable="true"}'),
      ).toBeGreaterThan(0)
    } finally {
      store.writeReadings = write
    }
    await waitUntil(
      async () => sample(await scrape(), 'quantrac_ingest_spool_items{stream="readings"}') === 0,
      20_000,
      () => 'spool never drained',
    )
    expect(
      sample(await scrape(), 'quantrac_ingest_replayed_total{stream="readings"}'),
    ).toBeGreaterThanOrEqual(1)
  })

  it('serves the same metrics on their own port for a part run alone (QUANTRAC_METRICS_PORT)', async () => {
    const listener = await serveMetrics(platform.metrics, '127.0.0.1', 0)
    try {
      const response = await fetch(`http://127.0.0.1:${listener.port}/metrics`)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('quantrac_ingest_messages_received_total')
      expect((await fetch(`http://127.0.0.1:${listener.port}/other`)).status).toBe(404)
    } finally {
      await listener.close()
    }
  })

  it('counts apart for two platforms in one process: a reading through one leaves the other’s /metrics as it was', async () => {
    const other = await startPlatform()
    try {
      const received = 'quantrac_ingest_messages_received_total'
      const otherScrape = async () => (await fetch(`${other.apiUrl}/metrics`)).text()
      const otherBefore = sample(await otherScrape(), received)
      const before = sample(await scrape(), received) ?? 0
      await sensor.publishAsync(noise.topic, JSON.stringify({ factor: 'noise', value: 71, unit: 'dBA' }), {
        qos: 1,
      })
      await waitUntil(
        async () => (sample(await scrape(), received) ?? 0) > before,
        10_000,
        () => 'the reading was not counted by its own platform',
      )
      expect(otherBefore).toBe(0)
      expect(sample(await otherScrape(), received)).toBe(0)
    } finally {
      await other.stop()
    }
  })
})
