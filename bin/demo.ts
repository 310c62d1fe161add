import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FactorId } from '../core/factors.ts'
import { issueApiKey } from '../registry/api-keys.ts'
import { hashSecret } from '../registry/credentials.ts'
import { ConflictError } from '../registry/errors.ts'
import type { Organisation, Registry } from '../registry/types.ts'
import type { Fleet } from '../simulators/fleet.ts'
import { registerFleet } from '../simulators/register.ts'

/** A sensor no simulator drives, for trying the wire contract by hand (README: mosquitto_pub). */
export const HANDHELD = {
  id: 'fac-001-handheld',
  facilityId: 'fac-001',
  model: 'handheld sound level meter',
  serial: 'DEMO-0001',
  factors: ['noise'] as FactorId[],
  // Published in the README so the example works as-is: acceptable for a local demo, never elsewhere.
  password: 'demo-handheld',
}

const ORGANISATIONS: Organisation[] = [
  { id: 'demo-owner', name: 'Công ty Demo (facility owner)', kind: 'owner' },
  { id: 'demo-contractor', name: 'Trung tâm Quan trắc Demo (monitoring contractor)', kind: 'contractor' },
  { id: 'demo-authority', name: 'Sở Y tế Demo (authority)', kind: 'authority' },
]

const DEMO_KEY_PREFIX = 'demo '

export interface DemoAccess {
  /** MQTT passwords of the simulated sensors, issued for this run. */
  sensorPasswords: Map<string, string>
  /** API keys for this run, by role; earlier demo keys are revoked. */
  keys: { admin: string; officer: string; contractor: string; regulator: string }
  /** A shell file with the keys, for the README's examples: `. ./data/demo-keys.env`. */
  keysFile: string
}

async function ensureOrganisation(registry: Registry, organisation: Organisation): Promise<void> {
  try {
    await registry.createOrganisation(organisation)
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err
  }
}

async function revokeEarlierDemoKeys(registry: Registry): Promise<void> {
  for (let offset = 0; ; offset += 500) {
    const page = await registry.listApiKeys({ limit: 500, offset })
    for (const key of page.items) {
      if (key.name.startsWith(DEMO_KEY_PREFIX) && key.revokedAt === undefined)
        await registry.revokeApiKey(key.id)
    }
    if (offset + 500 >= page.total) return
  }
}

/**
 * Registers the demo: organisations, the fleet's facilities, zones and sensors, fresh MQTT credentials
 * for the simulated sensors and fresh API keys for each role. Safe to run at every start.
 */
export async function seedDemo(registry: Registry, fleet: Fleet, dataDir: string): Promise<DemoAccess> {
  for (const organisation of ORGANISATIONS) await ensureOrganisation(registry, organisation)

  const sensorPasswords = await registerFleet(registry, fleet, {
    ownerId: 'demo-owner',
    contractorIds: ['demo-contractor'],
  })

  const handheldHash = await hashSecret(HANDHELD.password)
  if ((await registry.getSensor(HANDHELD.id)) === undefined)
    await registry.createSensor(HANDHELD, handheldHash)
  else await registry.setSensorSecret(HANDHELD.id, handheldHash)

  await revokeEarlierDemoKeys(registry)
  const issue = async (role: 'admin' | 'officer' | 'contractor' | 'regulator', scope: object, who: string) =>
    (await issueApiKey(registry, { name: `${DEMO_KEY_PREFIX}${who}`, role, ...scope })).token
  const keys = {
    admin: await issue('admin', {}, 'administrator'),
    officer: await issue(
      'officer',
      { facilityId: HANDHELD.facilityId },
      `safety officer of ${HANDHELD.facilityId}`,
    ),
    contractor: await issue('contractor', { organisationId: 'demo-contractor' }, 'monitoring contractor'),
    regulator: await issue('regulator', {}, 'regulator'),
  }
  const keysFile = join(dataDir, 'demo-keys.env')
  await writeFile(
    keysFile,
    [
      '# API keys of the running demo (quantrac start); replaced at every start.',
      `QUANTRAC_ADMIN_KEY=${keys.admin}`,
      `QUANTRAC_OFFICER_KEY=${keys.officer}`,
      `QUANTRAC_CONTRACTOR_KEY=${keys.contractor}`,
      `QUANTRAC_REGULATOR_KEY=${keys.regulator}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  // The mode above applies when the file is created; one an earlier version left readable is tightened.
  await chmod(keysFile, 0o600)
  return { sensorPasswords, keys, keysFile }
}
