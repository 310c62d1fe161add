import { z } from 'zod'
import { ROLES, type User } from '../../registry/types.ts'
import { isoTime } from './common.ts'

export const grantSchema = z.object({
  id: z.string(),
  role: z.enum(ROLES),
  organisationId: z.string().optional().describe('contractors: the organisation whose facilities it reaches'),
  facilityId: z.string().optional().describe('officers: their facility'),
})

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  grants: z.array(grantSchema),
  createdAt: z.iso.datetime(),
  disabledAt: z.iso.datetime().optional(),
})

/** User ids as the registry makes them (12 hex digits) or a CLI import gives them: no colon, like key ids. */
export const userIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'a user id is 1–64 letters, digits or "-"')

export function userResponse(user: User) {
  return { ...user, createdAt: isoTime(user.createdAt)!, disabledAt: isoTime(user.disabledAt) }
}

export const languageSchema = z
  .enum(['vi', 'en'])
  .default('vi')
  .describe('the language of the mail (vi or en)')
