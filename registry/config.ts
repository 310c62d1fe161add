import { z } from 'zod'

/** Where the registry is: a SQLite file under the data directory, or a PostgreSQL database several machines share. */
export const registryEnv = {
  QUANTRAC_DATA_DIR: z.string().default('./data'),
  /** `postgres://user:password@host:5432/quantrac`; unset, the registry is `QUANTRAC_DATA_DIR/registry.sqlite`. */
  QUANTRAC_REGISTRY_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'a postgres:// or postgresql:// URL' })
    .optional(),
  /** Connections to PostgreSQL each process holds at most. */
  QUANTRAC_REGISTRY_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
}

export interface RegistryConfig {
  QUANTRAC_DATA_DIR: string
  QUANTRAC_REGISTRY_URL?: string
  QUANTRAC_REGISTRY_POOL_SIZE: number
}
