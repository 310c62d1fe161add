import { connectAsync } from 'mqtt'
import { z } from 'zod'
import { mqttClientEnv, parseEnv } from '../core/config.ts'

const announceEnv = z.object({
  ...mqttClientEnv,
  QUANTRAC_MQTT_PORT: z.coerce.number().int().min(0).max(65_535).default(1883),
})

/**
 * Tells the running platform's API instances of a change the command line made in the registry, as the API
 * does itself (`quantrac/v1/registry/…`), so open live connections of a revoked key or a disabled person
 * close at once rather than at the next check. Only the services may publish there: it needs their
 * credentials (QUANTRAC_MQTT_USERNAME and QUANTRAC_MQTT_PASSWORD, as `quantrac broker|ingest|api` take them);
 * without them, or with the broker unreachable, the change still stands and the sentence returned says when
 * the connections close instead.
 */
export async function announceRegistryChange(topic: string): Promise<string> {
  const env = parseEnv(announceEnv, process.env)
  const later = 'open live connections close at the API’s next check (QUANTRAC_LIVE_RECHECK_S)'
  if (env.QUANTRAC_MQTT_USERNAME === undefined || env.QUANTRAC_MQTT_PASSWORD === undefined) {
    return `${later}; with QUANTRAC_MQTT_USERNAME and QUANTRAC_MQTT_PASSWORD set they close at once`
  }
  const url = env.QUANTRAC_MQTT_URL ?? `mqtt://127.0.0.1:${env.QUANTRAC_MQTT_PORT}`
  try {
    const client = await connectAsync(url, {
      username: env.QUANTRAC_MQTT_USERNAME,
      password: env.QUANTRAC_MQTT_PASSWORD,
      clientId: `quantrac-admin-${process.pid}`,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    })
    try {
      await client.publishAsync(topic, '', { qos: 1 })
    } finally {
      await client.endAsync()
    }
    return 'open live connections were told to close'
  } catch (err) {
    return `the broker at ${new URL(url).host} did not take the announcement (${(err as Error).message}): ${later}`
  }
}
