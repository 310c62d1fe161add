import { z } from 'zod'

/** Where time series go: InfluxDB when a URL is given, otherwise SQLite under the data directory. */
export const storeEnv = {
  QUANTRAC_DATA_DIR: z.string().default('./data'),
  QUANTRAC_INFLUX_URL: z.url().optional(),
  QUANTRAC_INFLUX_DATABASE: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, _ . - only')
    .default('quantrac'),
  QUANTRAC_INFLUX_TOKEN: z.string().optional(),
  QUANTRAC_INFLUX_ORG: z.string().optional(),
  QUANTRAC_INFLUX_USERNAME: z.string().optional(),
  QUANTRAC_INFLUX_PASSWORD: z.string().optional(),
}
