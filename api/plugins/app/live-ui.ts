import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { FACTOR_IDS, FACTORS } from '../../../core/factors.ts'
import {
  type CanonicalThreshold,
  DEFAULT_PROFILE,
  limitsFor,
  PROFILE_IDS,
  PROFILES,
  variantsOf,
} from '../../../core/limits/index.ts'
import { profileName, sourceText } from '../../../core/messages/index.ts'
import { READERS } from '../../access.ts'
import { badRequest } from '../../http-errors.ts'
import { errorSchema } from '../../schemas/common.ts'

const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url))

const require = createRequire(import.meta.url)
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`))

/**
 * Browser builds served from the installed packages, so the page needs no CDN (CSP `'self'`) and the
 * socket.io client always matches the server: socket.io's client, and uPlot for the history charts.
 */
const VENDOR_FILES = {
  'socket.io.esm.min.js': {
    dir: packageDir('socket.io-client'),
    file: 'dist/socket.io.esm.min.js',
    type: 'text/javascript; charset=utf-8',
  },
  'socket.io.esm.min.js.map': {
    dir: packageDir('socket.io-client'),
    file: 'dist/socket.io.esm.min.js.map',
    type: 'application/json',
  },
  'uPlot.esm.js': {
    dir: packageDir('uplot'),
    file: 'dist/uPlot.esm.js',
    type: 'text/javascript; charset=utf-8',
  },
  'uPlot.min.css': { dir: packageDir('uplot'), file: 'dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
} as const

/**
 * The page only talks to its own origin; `connect-src 'self'` covers socket.io's WebSocket in current
 * browsers, and inline scripts and styles are refused so an injected string cannot run.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

const thresholdSchema = z.object({
  value: z.number(),
  source: z.string(),
  sources: z
    .object({ vi: z.string(), en: z.string() })
    .describe('The source in each language (core/messages)'),
})

export const limitsQuerySchema = z.strictObject({
  profile: z.enum(PROFILE_IDS).default(DEFAULT_PROFILE).describe('Limit profile, as a facility names it'),
  variant: z
    .string()
    .max(50)
    .optional()
    .describe("A workplace variant of the profile, as a zone names it (e.g. office: QCVN 24's 65 dBA)"),
})

export const limitsResponseSchema = z.object({
  profile: z.enum(PROFILE_IDS),
  variant: z.string().optional(),
  name: z.string(),
  names: z.object({ vi: z.string(), en: z.string() }).describe("The profile's name in each language"),
  factors: z.array(
    z.object({
      factor: z.enum(FACTOR_IDS),
      label: z.string(),
      unit: z.string().describe('The canonical unit readings and limits are in'),
      twa: thresholdSchema
        .optional()
        .describe('8-hour time-weighted average (for noise: the criterion level)'),
      stel: thresholdSchema.optional().describe('15-minute short-term exposure limit'),
      ceiling: thresholdSchema.optional().describe('Never to be exceeded at any instant'),
      floor: thresholdSchema.optional().describe('Unsafe below (oxygen deficiency, cold, dry air)'),
      idlh: thresholdSchema.optional().describe('Immediately dangerous to life or health'),
      hourMean: thresholdSchema
        .optional()
        .describe('Limit on the 1-hour mean (WBGT: ISO 7243 reference, acclimatised workers)'),
      hourMeanAction: thresholdSchema
        .optional()
        .describe('Warning on the 1-hour mean (WBGT: reference for workers not acclimatised)'),
      exchangeRate: thresholdSchema
        .optional()
        .describe('Noise only: dB per halving of the allowed time, so a level turns into a dose rate'),
    }),
  ),
})

function profileLimits(
  profile: (typeof PROFILE_IDS)[number],
  variant: string | undefined,
): z.infer<typeof limitsResponseSchema> {
  const factors = FACTOR_IDS.map((factor) => {
    const limits = limitsFor(profile, factor, variant)
    const { label, unit } = FACTORS[factor]
    return {
      factor,
      label,
      unit,
      twa: withSources(limits?.twa),
      stel: withSources(limits?.stel),
      ceiling: withSources(limits?.ceiling),
      floor: withSources(limits?.floor),
      idlh: withSources(limits?.idlh),
      hourMean: withSources(limits?.hourMean),
      hourMeanAction: withSources(limits?.hourMeanAction),
      exchangeRate: withSources(limits?.noise?.exchangeRate),
    }
  })
  const names = { vi: profileName(profile, 'vi'), en: profileName(profile, 'en') }
  return { profile, variant, name: PROFILES[profile].name, names, factors }
}

function withSources(threshold: CanonicalThreshold | undefined) {
  if (threshold === undefined) return undefined
  const { source } = threshold
  return { ...threshold, sources: { vi: sourceText(source, 'vi'), en: sourceText(source, 'en') } }
}

/**
 * The built-in live page for safety officers: the static files of `api/public` at `/`, the socket.io
 * browser client and uPlot at `/vendor/`, and `GET /api/v1/limits`, the limit profile in canonical units that the
 * page compares readings with.
 */
export default fp(
  async function liveUi(fastify: FastifyInstance) {
    const vendor = new Map<string, { body: Buffer; type: string }>()
    for (const [name, { dir, file, type }] of Object.entries(VENDOR_FILES)) {
      vendor.set(name, { body: await readFile(join(dir, file)), type })
    }

    await fastify.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/',
      // One route per file found at start-up instead of a `/*` catch-all, so the page never shadows an API route.
      wildcard: false,
      setHeaders(reply, path) {
        if (path.endsWith('.html')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY)
      },
      // The README is for people reading the repository, not for the browser.
      allowedPath: (pathName) => !pathName.endsWith('.md'),
    })

    const routes = fastify.withTypeProvider<ZodTypeProvider>()

    routes.get(
      '/vendor/:file',
      { schema: { hide: true, params: z.object({ file: z.string() }) } },
      async (request, reply) => {
        const asset = vendor.get(request.params.file)
        if (asset === undefined) return reply.callNotFound()
        return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(asset.body)
      },
    )

    // Every profile and variant is known at start-up: answers are built once.
    const responses = new Map<string, z.infer<typeof limitsResponseSchema>>()
    for (const profile of PROFILE_IDS) {
      for (const variant of [undefined, ...variantsOf(profile)]) {
        responses.set(`${profile}:${variant ?? ''}`, profileLimits(profile, variant))
      }
    }
    routes.get(
      '/api/v1/limits',
      {
        config: { roles: READERS },
        schema: {
          tags: ['limits'],
          summary: "A limit profile's limits per factor, in each factor's canonical unit, with their sources",
          querystring: limitsQuerySchema,
          response: { 200: limitsResponseSchema, 400: errorSchema },
        },
      },
      async (request) => {
        const { profile, variant } = request.query
        const response = responses.get(`${profile}:${variant ?? ''}`)
        if (response === undefined) {
          throw badRequest(
            `profile ${profile} has no variant ${variant} (known: ${variantsOf(profile).join(', ')})`,
          )
        }
        return response
      },
    )
  },
  { name: 'live-ui', dependencies: ['error-handler'] },
)
