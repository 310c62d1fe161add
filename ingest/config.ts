import { z } from 'zod'
import { mqttClientEnv } from '../core/config.ts'
import { READINGS_SUBSCRIPTION } from '../core/topics.ts'
import { storeEnv } from '../store/config.ts'

export const ingestEnv = {
  ...mqttClientEnv,
  ...storeEnv,
  /** At scale: `$share/ingest/quantrac/v1/readings/+/+` on a broker with shared subscriptions (EMQX, Mosquitto). */
  QUANTRAC_INGEST_SUBSCRIPTION: z.string().default(READINGS_SUBSCRIPTION),
  QUANTRAC_MQTT_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
  QUANTRAC_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),
  QUANTRAC_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
}
