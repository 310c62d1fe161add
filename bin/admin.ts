import { hostname, userInfo } from 'node:os'
import type { ParseArgsOptionsConfig } from 'node:util'
import { pino } from 'pino'
import { z } from 'zod'
import { parseEnv } from '../core/config.ts'
import { keyChangeTopic, userChangeTopic } from '../core/topics.ts'
import { createUser, newPassword, normaliseEmail, PASSWORD_LENGTH } from '../registry/accounts.ts'
import { isKeyActive, issueApiKey } from '../registry/api-keys.ts'
import { registryEnv } from '../registry/config.ts'
import { openRegistry } from '../registry/open.ts'
import {
  type ApiKey,
  type AuditAction,
  type AuditTarget,
  ORGANISATION_KINDS,
  type Registry,
  ROLES,
} from '../registry/types.ts'
import { announceRegistryChange } from './announce.ts'
import { parseCommandLine } from './args.ts'

const USAGE = `usage: quantrac admin <command> [options]

Administers the registry (QUANTRAC_DATA_DIR/registry.sqlite, or QUANTRAC_REGISTRY_URL's PostgreSQL) directly, so a fresh install can be set up before any key exists.

  create-key --role admin|regulator|contractor|officer [--name NAME]
             [--organisation ID]   (contractor keys: the contractor organisation)
             [--facility ID]       (officer keys: their facility)
             [--expires TIME]      (ISO-8601 with an offset, e.g. 2027-01-01T00:00:00+07:00;
                                    from then on the key is refused like a revoked one)
             prints the key once; it is stored only as a digest
  list-keys                        every key: id, role, scope, state, name (tab-separated, with a header)
  revoke-key ID
  create-organisation --id ID --name NAME --kind owner|contractor|authority
  create-user --email EMAIL --name NAME --role admin|regulator|contractor|officer
             [--organisation ID]   (contractors: the contractor organisation)
             [--facility ID]       (officers: their facility)
             [--password-stdin]    (reads the password from the first line of stdin; else
                                    QUANTRAC_USER_PASSWORD, else one is generated and printed once)
             a person who signs in on the page; the password is stored only as scrypt
  list-users                       every person: id, e-mail, grants, state, name (tab-separated, with a header)
  disable-user ID|EMAIL            they cannot sign in; their sessions end at once (live connections at the
                                   API's next check; POST /api/v1/users/{id}/disable closes them at once)`

export interface AdminIo {
  stdout(line: string): void
  stderr(line: string): void
}

const createKeyArgs = z
  .object({
    role: z.enum(ROLES, { message: `--role is one of ${ROLES.join(', ')}` }),
    name: z.string().min(1).optional(),
    organisation: z.string().optional(),
    facility: z.string().optional(),
    expires: z.iso
      .datetime({ offset: true, error: '--expires is ISO-8601 with an offset, e.g. 2027-01-01T00:00:00Z' })
      .transform((text) => Date.parse(text))
      .refine((time) => time > Date.now(), '--expires must be in the future')
      .optional(),
  })
  .refine(
    (a) => a.role !== 'contractor' || a.organisation !== undefined,
    '--organisation is required for a contractor key',
  )
  .refine(
    (a) => a.role !== 'officer' || a.facility !== undefined,
    '--facility is required for an officer key',
  )

const organisationArgs = z.object({
  id: z.string().min(1, '--id is required'),
  name: z.string().min(1, '--name is required'),
  kind: z.enum(ORGANISATION_KINDS, { message: `--kind is one of ${ORGANISATION_KINDS.join(', ')}` }),
})

const createUserArgs = z
  .object({
    email: z
      .string({ error: '--email is required' })
      .trim()
      .regex(/^[^\s@]+@[^\s@]+$/, '--email must be an e-mail address'),
    name: z.string({ error: '--name is required' }).trim().min(1, '--name is required'),
    role: z.enum(ROLES, { message: `--role is one of ${ROLES.join(', ')}` }),
    organisation: z.string().optional(),
    facility: z.string().optional(),
    'password-stdin': z.boolean().optional(),
  })
  .refine(
    (a) => a.role !== 'contractor' || a.organisation !== undefined,
    '--organisation is required for a contractor',
  )
  .refine((a) => a.role !== 'officer' || a.facility !== undefined, '--facility is required for an officer')

async function firstLineOfStdin(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) {
    text += chunk
    if (text.includes('\n')) break
  }
  return text.split(/\r?\n/)[0] ?? ''
}

function keyState(key: ApiKey, now: number): string {
  if (key.revokedAt !== undefined) return `revoked ${new Date(key.revokedAt).toISOString()}`
  if (key.expiresAt === undefined) return 'active'
  return `${isKeyActive(key, now) ? 'expires' : 'expired'} ${new Date(key.expiresAt).toISOString()}`
}

/** The command line has no API key: its audit entries name the system user, with an admin's power. */
async function recordAdminChange(
  registry: Registry,
  action: AuditAction,
  target: { type: AuditTarget; id: string },
  before: unknown,
  after: unknown,
): Promise<void> {
  const name = `command line (${userInfo().username}@${hostname()})`
  await registry.recordAudit({
    at: Date.now(),
    actor: { name, role: 'admin' },
    action,
    target,
    before,
    after,
  })
}

/** Each subcommand's own flags: any other is refused with the usage. */
const SUBCOMMANDS = {
  'create-key': {
    role: { type: 'string' },
    name: { type: 'string' },
    organisation: { type: 'string' },
    facility: { type: 'string' },
    expires: { type: 'string' },
  },
  'list-keys': {},
  'revoke-key': {},
  'create-organisation': { id: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' } },
  'create-user': {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    organisation: { type: 'string' },
    facility: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  'list-users': {},
  'disable-user': {},
} as const satisfies Record<string, ParseArgsOptionsConfig>

/** `quantrac admin …`: returns the exit code (2 for bad usage). */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  const [command, ...rest] = argv
  const usage = (message: string) => {
    io.stderr(`quantrac admin: ${message}\n\n${USAGE}`)
    return 2
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE)
    return 0
  }
  if (command === undefined) return usage('a command is required')
  if (command.startsWith('-')) return usage(`Unknown option '${command}'`)
  if (!Object.hasOwn(SUBCOMMANDS, command)) return usage(`unknown command "${command}"`)
  const commandLine = parseCommandLine(
    `admin ${command}`,
    USAGE,
    rest,
    SUBCOMMANDS[command as keyof typeof SUBCOMMANDS],
    io,
    { positionals: command === 'revoke-key' || command === 'disable-user' },
  )
  if (commandLine.exitCode !== undefined) return commandLine.exitCode
  const parsed = commandLine

  const config = parseEnv(z.object(registryEnv), process.env)
  // What the command did is its output; the registry has nothing to add.
  const registry = await openRegistry(config, pino({ level: 'silent' }))
  try {
    switch (command) {
      case 'create-key': {
        const args = createKeyArgs.safeParse(parsed.values)
        if (!args.success) return usage(args.error.issues.map((i) => i.message).join('; '))
        const { role, name, organisation, facility, expires } = args.data
        const { key, token } = await issueApiKey(registry, {
          name: name ?? `${role} key`,
          role,
          organisationId: organisation,
          facilityId: facility,
          expiresAt: expires,
        })
        await recordAdminChange(registry, 'key.create', { type: 'key', id: key.id }, undefined, key)
        io.stderr(`created ${key.role} key ${key.id}; it is shown this once:`)
        io.stdout(token)
        return 0
      }
      case 'list-keys': {
        io.stdout(['id', 'role', 'scope', 'state', 'name'].join('\t'))
        for (let offset = 0; ; offset += 500) {
          const page = await registry.listApiKeys({ limit: 500, offset })
          for (const key of page.items) {
            const scope = key.facilityId ?? key.organisationId ?? 'all'
            const state = keyState(key, Date.now())
            io.stdout(`${key.id}\t${key.role}\t${scope}\t${state}\t${key.name}`)
          }
          if (offset + 500 >= page.total) return 0
        }
      }
      case 'revoke-key': {
        const id = parsed.positionals[0]
        if (id === undefined) return usage('revoke-key needs the key id')
        if (!(await registry.revokeApiKey(id))) {
          io.stderr(`quantrac admin: no active key ${id}`)
          return 1
        }
        const { secretHash: _, ...revoked } = (await registry.findApiKey(id))!
        await recordAdminChange(
          registry,
          'key.revoke',
          { type: 'key', id },
          { ...revoked, revokedAt: undefined },
          revoked,
        )
        io.stderr(`revoked key ${id}; ${await announceRegistryChange(keyChangeTopic(id))}`)
        return 0
      }
      case 'create-user': {
        const args = createUserArgs.safeParse(parsed.values)
        if (!args.success) return usage(args.error.issues.map((i) => i.message).join('; '))
        const { email, name, role, organisation, facility } = args.data
        const given = args.data['password-stdin']
          ? await firstLineOfStdin()
          : process.env.QUANTRAC_USER_PASSWORD
        if (
          given !== undefined &&
          (given.length < PASSWORD_LENGTH.min || given.length > PASSWORD_LENGTH.max)
        ) {
          return usage(`the password must be ${PASSWORD_LENGTH.min}–${PASSWORD_LENGTH.max} characters long`)
        }
        const password = given ?? newPassword()
        const user = await createUser(registry, {
          email,
          name,
          password,
          grants: [{ role, organisationId: organisation, facilityId: facility }],
        })
        await recordAdminChange(registry, 'user.create', { type: 'user', id: user.id }, undefined, user)
        if (given === undefined) {
          io.stderr(`created ${role} ${user.email} (user ${user.id}); the password is shown this once:`)
          io.stdout(password)
        } else io.stderr(`created ${role} ${user.email} (user ${user.id})`)
        return 0
      }
      case 'list-users': {
        io.stdout(['id', 'email', 'grants', 'state', 'name'].join('\t'))
        for (let offset = 0; ; offset += 500) {
          const page = await registry.listUsers({ limit: 500, offset })
          for (const user of page.items) {
            const grants = user.grants
              .map((grant) => `${grant.role}:${grant.facilityId ?? grant.organisationId ?? 'all'}`)
              .join(',')
            const state =
              user.disabledAt === undefined ? 'active' : `disabled ${new Date(user.disabledAt).toISOString()}`
            io.stdout(`${user.id}\t${user.email}\t${grants}\t${state}\t${user.name}`)
          }
          if (offset + 500 >= page.total) return 0
        }
      }
      case 'disable-user': {
        const which = parsed.positionals[0]
        if (which === undefined) return usage('disable-user needs the user id or e-mail')
        const before = which.includes('@')
          ? await registry.findUserByEmail(normaliseEmail(which))
          : await registry.getUser(which)
        if (before === undefined || !(await registry.disableUser(before.id, Date.now()))) {
          io.stderr(`quantrac admin: no active user ${which}`)
          return 1
        }
        const { passwordHash: _, ...shown } = before as typeof before & { passwordHash?: string }
        const after = await registry.getUser(before.id)
        await recordAdminChange(registry, 'user.disable', { type: 'user', id: before.id }, shown, after)
        io.stderr(
          `disabled user ${before.id} (${before.email}); their sessions have ended; ${await announceRegistryChange(userChangeTopic(before.id))}`,
        )
        return 0
      }
      default: {
        const args = organisationArgs.safeParse(parsed.values)
        if (!args.success) return usage(args.error.issues.map((i) => i.message).join('; '))
        await registry.createOrganisation(args.data)
        await recordAdminChange(
          registry,
          'organisation.register',
          { type: 'organisation', id: args.data.id },
          undefined,
          args.data,
        )
        io.stderr(`created ${args.data.kind} organisation ${args.data.id}`)
        return 0
      }
    }
  } catch (err) {
    io.stderr(`quantrac admin: ${(err as Error).message}`)
    return 1
  } finally {
    await registry.close()
  }
}
