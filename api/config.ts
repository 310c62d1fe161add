import { z } from 'zod'
import { mqttClientEnv } from '../core/config.ts'
import { storeEnv } from '../store/config.ts'

export const apiEnv = {
  ...mqttClientEnv,
  ...storeEnv,
  QUANTRAC_LISTEN_HOST: z.string().default('127.0.0.1'),
  QUANTRAC_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
}
