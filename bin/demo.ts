import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FactorId } from '../core/factors.ts'
import { createUser, hashPassword, newPassword } from '../registry/accounts.ts'
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
  /** A person per role, signing in on the page: e-mail and this run's password (earlier sessions end). */
  users: Record<'admin' | 'officer' | 'contractor' | 'regulator', { email: string; password: string }>
  /** A shell file with the keys and the people's sign-ins, for the README's examples: `. ./data/demo-keys.env`. */
  keysFile: string
}

/** The demo's people: one per role, with the reach of the demo key of that role. */
const DEMO_USERS = {
  admin: { email: 'admin@demo.quantrac.vn', name: 'Quản trị viên (demo)', grant: { role: 'admin' } },
  officer: {
    email: 'officer@demo.quantrac.vn',
    name: `Cán bộ an toàn ${HANDHELD.facilityId} (demo)`,
    grant: { role: 'officer', facilityId: HANDHELD.facilityId },
  },
  contractor: {
    email: 'contractor@demo.quantrac.vn',
    name: 'Đơn vị quan trắc (demo)',
    grant: { role: 'contractor', organisationId: 'demo-contractor' },
  },
  regulator: { email: 'regulator@demo.quantrac.vn', name: 'Sở Y tế (demo)', grant: { role: 'regulator' } },
} as const

/** Each demo person with a password new at this start: created the first time, given a new password after. */
async function seedDemoUsers(registry: Registry): Promise<DemoAccess['users']> {
  const users = {} as DemoAccess['users']
  for (const [role, person] of Object.entries(DEMO_USERS) as [
    keyof typeof DEMO_USERS,
    (typeof DEMO_USERS)[keyof typeof DEMO_USERS],
  ][]) {
    const password = newPassword()
    const existing = await registry.findUserByEmail(person.email)
    if (existing === undefined) {
      await createUser(registry, { email: person.email, name: person.name, password, grants: [person.grant] })
    } else await registry.setUserPassword(existing.id, await hashPassword(password))
    users[role] = { email: person.email, password }
  }
  return users
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
 * for the simulated sensors, fresh API keys and a person with a fresh password for each role. Safe to run at
 * every start.
 */
export async function seedDemo(registry: Registry, fleet: Fleet, dataDir: string): Promise<DemoAccess> {
  for (const organisation of ORGANISATIONS) await ensureOrganisation(registry, organisation)

  const sensorPasswords = await registerFleet(registry, fleet, {
    ownerId: 'demo-owner',
    contractorIds: ['demo-contractor'],
    // The simulated fleet stands for sensors long in service; the hand-held meter is commissioned on site.
    commissionedAt: Date.now(),
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
  const users = await seedDemoUsers(registry)
  const keysFile = join(dataDir, 'demo-keys.env')
  await writeFile(
    keysFile,
    [
      '# API keys of the running demo (quantrac start); replaced at every start.',
      `QUANTRAC_ADMIN_KEY=${keys.admin}`,
      `QUANTRAC_OFFICER_KEY=${keys.officer}`,
      `QUANTRAC_CONTRACTOR_KEY=${keys.contractor}`,
      `QUANTRAC_REGULATOR_KEY=${keys.regulator}`,
      '# People who sign in on the page (e-mail, password), one per role; new passwords at every start.',
      ...Object.entries(users).flatMap(([role, user]) => [
        `QUANTRAC_${role.toUpperCase()}_EMAIL=${user.email}`,
        `QUANTRAC_${role.toUpperCase()}_PASSWORD=${user.password}`,
      ]),
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  // The mode above applies when the file is created; one an earlier version left readable is tightened.
  await chmod(keysFile, 0o600)
  return { sensorPasswords, keys, users, keysFile }
}
