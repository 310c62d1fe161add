import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { type Campaign, campaignProblems } from '../../../../../core/campaigns.ts'
import { REPORT_UTC_OFFSET_MINUTES } from '../../../../../core/coverage/period.ts'
import {
  assertReachable,
  MAINTAINERS,
  type Principal,
  READERS,
  reachableFacility,
  scopeOf,
} from '../../../../access.ts'
import { parseCsv } from '../../../../csv.ts'
import { badRequest, HttpError } from '../../../../http-errors.ts'
import { errorSchema, idSchema, isoTime, pageSchema } from '../../../../schemas/common.ts'
import {
  CAMPAIGN_CSV_COLUMNS,
  CAMPAIGN_CSV_SHARED,
  campaignCsvRowSchema,
  campaignInputSchema,
  campaignQuerySchema,
  campaignSchema,
} from './schema.ts'

const MAX_CSV_BYTES = 5 * 1024 * 1024
const campaignParams = z.object({ campaignId: idSchema })
type CampaignInput = z.output<typeof campaignInputSchema>

export function campaignResponse(campaign: Campaign): z.input<typeof campaignSchema> {
  return { ...campaign, recordedAt: isoTime(campaign.recordedAt)! }
}

/** An audit entry of a campaign, as the registry holds it. */
function campaignChange(campaign: Campaign, before: Campaign | undefined, after: Campaign | undefined) {
  return {
    facilityId: campaign.facilityId,
    target: { type: 'campaign' as const, id: campaign.id },
    before,
    after,
  }
}

const today = () => new Date(Date.now() + REPORT_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10)

/**
 * Campaigns are recorded by the monitoring organisation that did them (a contractor's key, for the
 * facilities its organisation serves, in its own name) or by an admin; every key reads those of the
 * facilities it reaches.
 */
const campaignRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: MAX_CSV_BYTES },
    (_request, body, done) => done(null, body),
  )

  /** The campaign as it will be kept, or the HTTP error that says why it cannot be. */
  async function checked(principal: Principal, input: CampaignInput, at: string): Promise<Campaign> {
    await reachableFacility(fastify.registry, principal, input.facilityId)
    const organisationId = input.organisationId ?? principal.organisationId
    if (organisationId === undefined)
      throw badRequest(`${at}organisationId: name the monitoring organisation`)
    if (principal.role === 'contractor' && organisationId !== principal.organisationId) {
      throw new HttpError(403, `${at}a contractor's key records campaigns of its own organisation only`)
    }
    const organisation = await fastify.registry.getOrganisation(organisationId)
    if (organisation?.kind !== 'contractor') {
      throw badRequest(`${at}organisationId: ${organisationId} is no registered monitoring organisation`)
    }
    const zones = await fastify.registry.listZones(input.facilityId)
    const problems = campaignProblems(input, { zoneIds: new Set(zones.map((z) => z.id)), today: today() })
    if (problems.length > 0) throw badRequest(`${at}${problems.slice(0, 20).join('; ')}`)
    return {
      ...input,
      id: input.id ?? `camp-${randomBytes(6).toString('hex')}`,
      organisationId,
      recordedAt: Date.now(),
      recordedBy: principal.name,
    }
  }

  /** The campaign, if the caller's key reaches its facility (see assertReachable: no existence oracle). */
  async function reachableCampaign(principal: Principal, campaignId: string) {
    const campaign = await fastify.registry.getCampaign(campaignId)
    assertReachable(principal, campaign?.facilityId, `campaign ${campaignId}`)
    return campaign!
  }

  fastify.get(
    '/',
    {
      config: { roles: READERS },
      schema: {
        tags: ['campaigns'],
        summary: 'Monitoring campaigns of the facilities this key reaches, newest last day first',
        querystring: campaignQuerySchema,
        response: { 200: pageSchema(campaignSchema), 400: errorSchema, 403: errorSchema },
      },
    },
    async (request) => {
      const { facility, period, ...page } = request.query
      if (facility !== undefined) await reachableFacility(fastify.registry, request.principal, facility)
      const result = await fastify.registry.listCampaigns({
        ...page,
        facilityIds: facility === undefined ? scopeOf(request.principal) : [facility],
        countsFrom: period?.start,
        countsBefore: period?.end,
      })
      return { ...result, items: result.items.map(campaignResponse) }
    },
  )

  fastify.post(
    '/',
    {
      config: { roles: MAINTAINERS, audit: 'campaign.record' },
      schema: {
        tags: ['campaigns'],
        summary: 'Record a monitoring campaign: per zone and factor the samples taken and over the limit',
        body: campaignInputSchema,
        response: {
          201: campaignSchema,
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const campaign = await checked(request.principal, request.body, '')
      await fastify.registry.createCampaigns([campaign])
      await request.recordChange(campaignChange(campaign, undefined, campaign))
      request.log.info({ campaign: campaign.id, facility: campaign.facilityId }, 'campaign recorded')
      return reply.code(201).send(campaignResponse(campaign))
    },
  )

  fastify.post(
    '/import',
    {
      config: { roles: MAINTAINERS, audit: 'campaign.import' },
      schema: {
        tags: ['campaigns'],
        summary: 'Record campaigns from CSV (Content-Type: text/csv), one line per measurement; all or none',
        description:
          `Header: ${CAMPAIGN_CSV_COLUMNS.join(',')}. The lines of one campaign share its campaignId and repeat ` +
          `${CAMPAIGN_CSV_SHARED.join(', ')} alike; values are separated by semicolons.`,
        body: z.string().max(MAX_CSV_BYTES),
        response: {
          200: z.object({ imported: z.number().int(), measurements: z.number().int() }),
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request) => {
      let rows: string[][]
      try {
        rows = parseCsv(request.body)
      } catch (err) {
        throw badRequest(`CSV: ${(err as Error).message}`)
      }
      const [header, ...lines] = rows
      const columns = (header ?? []).map((c) => c.trim())
      const unknown = columns.filter((c) => !CAMPAIGN_CSV_COLUMNS.includes(c))
      const required = ['campaignId', 'facilityId', 'zoneId', 'factor', 'samples', 'samplesOverLimit']
      if (header === undefined || unknown.length > 0 || required.some((c) => !columns.includes(c))) {
        throw badRequest(
          `CSV header must name columns among ${CAMPAIGN_CSV_COLUMNS.join(', ')}, with ${required.join(', ')} (unknown: ${unknown.join(', ') || 'none'})`,
        )
      }
      const problems: string[] = []
      const inputs = new Map<string, { input: CampaignInput; line: number; shared: string }>()
      lines.forEach((fields, index) => {
        const line = index + 2
        const parsed = campaignCsvRowSchema.safeParse(
          Object.fromEntries(columns.map((column, i) => [column, fields[i] ?? ''])),
        )
        if (!parsed.success) {
          const issue = parsed.error.issues[0]
          problems.push(`line ${line}: ${issue?.path.join('.')}: ${issue?.message}`)
          return
        }
        const row = parsed.data
        const shared = JSON.stringify(CAMPAIGN_CSV_SHARED.map((column) => row[column]))
        const measurement = {
          zoneId: row.zoneId,
          position: row.position,
          factor: row.factor,
          substance: row.substance,
          samples: row.samples,
          samplesOverLimit: row.samplesOverLimit,
          values: row.values,
          unit: row.unit,
        }
        const seen = inputs.get(row.campaignId)
        if (seen === undefined) {
          inputs.set(row.campaignId, {
            line,
            shared,
            input: {
              id: row.campaignId,
              facilityId: row.facilityId,
              organisationId: row.organisationId,
              declaration: {
                reference: row.declarationReference,
                publishedBy: row.declarationPublishedBy,
                publishedOn: row.declarationPublishedOn,
              },
              startedOn: row.startedOn,
              endedOn: row.endedOn,
              measurements: [measurement],
            },
          })
        } else if (seen.shared !== shared) {
          problems.push(
            `line ${line}: campaign ${row.campaignId} differs from its line ${seen.line} in ${CAMPAIGN_CSV_SHARED.join(', ')}`,
          )
        } else {
          seen.input.measurements.push(measurement)
        }
      })
      if (problems.length > 0) throw badRequest(`nothing imported: ${problems.slice(0, 20).join('; ')}`)
      if (inputs.size === 0) throw badRequest('nothing imported: the CSV holds no line')
      const campaigns: Campaign[] = []
      for (const { input, line } of inputs.values()) {
        campaigns.push(await checked(request.principal, input, `nothing imported: line ${line}: `))
      }
      await fastify.registry.createCampaigns(campaigns)
      for (const campaign of campaigns)
        await request.recordChange(campaignChange(campaign, undefined, campaign))
      request.log.info({ campaigns: campaigns.length }, 'campaigns imported')
      return {
        imported: campaigns.length,
        measurements: campaigns.reduce((n, c) => n + c.measurements.length, 0),
      }
    },
  )

  fastify.get(
    '/:campaignId',
    {
      config: { roles: READERS },
      schema: {
        tags: ['campaigns'],
        summary: 'One campaign',
        params: campaignParams,
        response: { 200: campaignSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) =>
      campaignResponse(await reachableCampaign(request.principal, request.params.campaignId)),
  )

  fastify.delete(
    '/:campaignId',
    {
      config: { roles: MAINTAINERS, audit: 'campaign.withdraw' },
      schema: {
        tags: ['campaigns'],
        summary: 'Withdraw a campaign recorded in error (its organisation or an admin)',
        params: campaignParams,
        response: { 204: z.null(), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const campaign = await reachableCampaign(request.principal, request.params.campaignId)
      const { principal } = request
      if (principal.role === 'contractor' && campaign.organisationId !== principal.organisationId) {
        throw new HttpError(403, "a contractor's key withdraws campaigns of its own organisation only")
      }
      await fastify.registry.deleteCampaign(campaign.id)
      await request.recordChange(campaignChange(campaign, campaign, undefined))
      request.log.info({ campaign: campaign.id }, 'campaign withdrawn')
      return reply.code(204).send(null)
    },
  )
}

export default campaignRoutes
