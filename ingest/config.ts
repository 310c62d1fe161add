import { z } from 'zod'
import { listenEnv, mqttClientEnv, payloadEnv, sensorRateEnv } from '../core/config.ts'
import { READINGS_SUBSCRIPTION, SERVICE_CLIENT_ID_PREFIX } from '../core/topics.ts'
import { storeEnv } from '../store/config.ts'

export const ingestEnv = {
  ...mqttClientEnv,
  ...storeEnv,
  ...sensorRateEnv,
  ...listenEnv,
  ...payloadEnv,
  /**
   * Not a shared subscription (`$share/…`): it deals one sensor's readings round-robin between workers,
   * so each alert opens once per worker (README, Scaling out).
   */
  QUANTRAC_INGEST_SUBSCRIPTION: z.string().default(READINGS_SUBSCRIPTION),
  /**
   * Several ingest workers share the facilities by partition (README, Scaling out → Partitioned ingest):
   * each holds leases in the registry, one MQTT session per partition on the external broker
   * (QUANTRAC_MQTT_URL), and acknowledges a message once it is in the store.
   */
  QUANTRAC_INGEST_PARTITIONED: z.stringbool().default(false),
  /** A partitioned worker's lease lasts this long unrenewed: a dead worker's partitions wait this long. */
  QUANTRAC_INGEST_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  QUANTRAC_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),
  QUANTRAC_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /**
   * Stable, so the broker keeps ingest's session across restarts; one per worker. Starts with `quantrac-`, the services' own, which no sensor may take over.
   */
  QUANTRAC_INGEST_CLIENT_ID: z
    .string()
    .regex(
      new RegExp(`^${SERVICE_CLIENT_ID_PREFIX}[\\w.-]{1,55}$`),
      `${SERVICE_CLIENT_ID_PREFIX} then 1–55 letters, digits, _ . -`,
    )
    .default('quantrac-ingest'),
  /** The spool under QUANTRAC_DATA_DIR/spool refuses more past this; ingest then stops acknowledging. */
  QUANTRAC_SPOOL_MAX_BYTES: z.coerce.number().int().min(1_048_576).default(1_073_741_824),
  /** Longest wait before received messages are made durable and acknowledged (group commit). */
  QUANTRAC_SPOOL_COMMIT_MS: z.coerce.number().int().min(1).max(1000).default(20),
}
