import { z } from 'zod'
import { listenEnv, payloadEnv, sensorRateEnv } from '../core/config.ts'

export const brokerEnv = {
  ...sensorRateEnv,
  ...listenEnv,
  ...payloadEnv,
  QUANTRAC_MQTT_PORT: z.coerce.number().int().min(0).max(65_535).default(1883),
  /** MQTT over TLS: both paths (PEM), or neither. */
  QUANTRAC_MQTT_TLS_CERT: z.string().optional(),
  QUANTRAC_MQTT_TLS_KEY: z.string().optional(),
  QUANTRAC_MQTT_TLS_PORT: z.coerce.number().int().min(0).max(65_535).default(8883),
  /** Where the TLS listener listens; QUANTRAC_LISTEN_HOST when unset. */
  QUANTRAC_MQTT_TLS_HOST: z.string().optional(),
  /** MQTT over WebSocket (for gateways behind HTTP-only networks): a port, or no such listener when unset. */
  QUANTRAC_MQTT_WS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Where the WebSocket listener listens; QUANTRAC_LISTEN_HOST when unset. */
  QUANTRAC_MQTT_WS_HOST: z.string().optional(),
  /** wss:// with QUANTRAC_MQTT_TLS_CERT and QUANTRAC_MQTT_TLS_KEY, instead of ws://. */
  QUANTRAC_MQTT_WS_TLS: z.stringbool().default(false),
  /** Connections announcing a larger packet are cut before the broker buffers it. */
  QUANTRAC_MQTT_MAX_PACKET_BYTES: z.coerce.number().int().min(1024).max(268_435_455).default(1_048_576),
  QUANTRAC_MQTT_ALLOW_ANONYMOUS: z.stringbool().default(false),
  QUANTRAC_MQTT_USERNAME: z.string().optional(),
  QUANTRAC_MQTT_PASSWORD: z.string().optional(),
  /** Failed logins allowed per source address (IPv6: per /64) and per user name, in each window. */
  QUANTRAC_MQTT_LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(10),
  QUANTRAC_MQTT_LOGIN_FAILURES_PER_USERNAME: z.coerce.number().int().min(1).max(100_000).default(5),
  QUANTRAC_MQTT_LOGIN_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Connections at once of the services' user name, and of anonymous clients together. */
  QUANTRAC_MQTT_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(1_000_000).default(64),
}
