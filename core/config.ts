import { z } from 'zod'

/** Thrown when the environment does not describe a valid configuration; the message lists every problem. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** A port someone else holds: worth one clear line at start-up, not a stack trace. */
export class PortInUseError extends Error {
  override name = 'PortInUseError'
}

/**
 * Parses `env` once, at start-up, against a schema whose keys are the QUANTRAC_* variable names.
 * Empty strings count as unset, so `QUANTRAC_INFLUX_URL=` in a .env file means "no InfluxDB".
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key.startsWith('QUANTRAC_') && value !== ''),
  )
  const result = schema.safeParse(present)
  if (result.success) return result.data
  const problems = result.error.issues.map(
    (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  )
  throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`)
}

/** Settings every service that talks to the broker shares. */
export const mqttClientEnv = {
  QUANTRAC_MQTT_URL: z.url().optional(),
  QUANTRAC_MQTT_USERNAME: z.string().optional(),
  QUANTRAC_MQTT_PASSWORD: z.string().optional(),
}

/** Where every listening part listens; a /metrics listener of ingest or the broker run alone too. */
export const listenEnv = {
  QUANTRAC_LISTEN_HOST: z.string().default('127.0.0.1'),
  /** A /metrics listener for ingest or the broker run alone, on QUANTRAC_LISTEN_HOST; `start` serves /metrics on the API. */
  QUANTRAC_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
}

/** The largest reading message: the broker refuses larger publishes, ingest larger payloads. */
export const payloadEnv = {
  QUANTRAC_MQTT_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
}

/** pino's levels; `debug` shows every rejected message. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** How much the services log. */
export const logEnv = {
  QUANTRAC_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
}

/** How much `quantrac simulate` logs: warnings only unless asked, its own progress goes to stderr. */
export const simulatorLogEnv = {
  QUANTRAC_LOG_LEVEL: z.enum(LOG_LEVELS).default('warn'),
}

/** Settings of every part that serves `/metrics`. */
export const metricsEnv = {
  /** When set, `/metrics` answers only `Authorization: Bearer <token>`; unset, it is open. */
  QUANTRAC_METRICS_TOKEN: z.string().min(16, 'a metrics token is at least 16 characters').optional(),
}

/** Each sensor's rate: the broker slows a sensor down to it; ingest counts what comes faster (README, Reliability). */
export const sensorRateEnv = {
  QUANTRAC_SENSOR_RATE_LIMIT: z.coerce.number().positive().max(100_000).default(20),
  QUANTRAC_SENSOR_BURST: z.coerce.number().int().min(1).max(1_000_000).default(100),
}
