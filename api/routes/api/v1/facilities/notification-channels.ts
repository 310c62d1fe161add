import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  type Channel,
  channelRefusal,
  type WebhookSecrets,
  webhookUrlProblem,
} from '../../../../../core/notifications.ts'
import type { Facility } from '../../../../../registry/types.ts'
import { assertReachable, canReach, type Principal, READERS } from '../../../../access.ts'
import { badRequest, HttpError, notFound } from '../../../../http-errors.ts'
import { errorSchema, idSchema } from '../../../../schemas/common.ts'
import {
  channelInputSchema,
  channelPatchSchema,
  channelResponse,
  channelSchema,
  escalationInputSchema,
  escalationResponse,
  escalationSchema,
} from './notification-schema.ts'

const facilityParams = z.strictObject({ facilityId: idSchema })
const channelParams = facilityParams.extend({ channelId: idSchema })
/** Who may write: admins, and organisation keys (contractors, or the facility's owner); see channelRefusal. */
const CHANNEL_WRITERS = ['admin', 'contractor'] as const

/**
 * A facility's notification channels and escalation policy (README "Notifications"). Officers and every
 * key that reaches the facility read them (never a webhook's secret, headers or full URL); admins and the
 * owner organisation set up any; a contractor that serves the facility only sensor-health channels.
 */
const notificationChannelRoutes: FastifyPluginAsyncZod = async (fastify) => {
  /** The facility, if the key reaches it or belongs to its owner organisation (403 / 404 as elsewhere). */
  async function facilityFor(principal: Principal, facilityId: string): Promise<Facility> {
    const facility = await fastify.registry.getFacility(facilityId)
    const owner = facility?.ownerId !== undefined && facility.ownerId === principal.organisationId
    if (facility === undefined || !(owner || canReach(principal, facilityId)))
      assertReachable(principal, undefined, `facility ${facilityId}`)
    return facility!
  }

  function assertMayWrite(principal: Principal, facility: Facility, channel: Pick<Channel, 'kinds'>): void {
    const refusal = channelRefusal(
      {
        role: principal.role,
        organisationId: principal.organisationId,
        servesFacility: canReach(principal, facility.id),
      },
      facility,
      channel,
    )
    if (refusal !== undefined) throw new HttpError(403, refusal)
  }

  function assertWebhookUrl(url: string): void {
    const problem = webhookUrlProblem(url, fastify.notifySettings.webhookAllowedHosts)
    if (problem !== undefined) throw badRequest(`body.url: ${problem}`)
  }

  async function existingChannel(facilityId: string, channelId: string): Promise<Channel> {
    const channel = await fastify.notifications.getChannel(facilityId, channelId)
    if (channel === undefined)
      throw notFound(`no notification channel ${channelId} at facility ${facilityId}`)
    return channel
  }

  const target = (id: string) => ({ type: 'notification-channel' as const, id })

  fastify.get(
    '/:facilityId/notification-channels',
    {
      config: { roles: READERS },
      schema: {
        tags: ['notifications'],
        summary: "The facility's notification channels (never a webhook's secret, headers or path)",
        params: facilityParams,
        response: { 200: z.object({ items: z.array(channelSchema) }), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      await facilityFor(request.principal, request.params.facilityId)
      const channels = await fastify.notifications.listChannels(request.params.facilityId)
      return { items: channels.map(channelResponse) }
    },
  )

  fastify.post(
    '/:facilityId/notification-channels',
    {
      config: { roles: CHANNEL_WRITERS, audit: 'notification-channel.create' },
      schema: {
        tags: ['notifications'],
        summary: 'Add an e-mail or webhook channel',
        description:
          'Admins and the owner organisation add any; a contractor serving the facility only channels whose ' +
          '`kinds` are sensor-offline / sensor-fault. A webhook’s secret and headers are shown never again.',
        params: facilityParams,
        body: channelInputSchema,
        response: {
          201: channelSchema,
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { facilityId } = request.params
      const facility = await facilityFor(request.principal, facilityId)
      assertMayWrite(request.principal, facility, request.body)
      let channel: Channel
      let secrets: WebhookSecrets | undefined
      if (request.body.kind === 'webhook') {
        const { secret, headers, ...fields } = request.body
        assertWebhookUrl(fields.url)
        channel = {
          ...fields,
          facilityId,
          ...(headers === undefined ? {} : { headerNames: Object.keys(headers) }),
        }
        secrets = { secret, ...(headers === undefined ? {} : { headers }) }
      } else channel = { ...request.body, facilityId }
      await fastify.notifications.createChannel(channel, secrets)
      await request.recordChange({ facilityId, target: target(channel.id), after: channelResponse(channel) })
      return reply.code(201).send(channelResponse(channel))
    },
  )

  fastify.patch(
    '/:facilityId/notification-channels/:channelId',
    {
      config: { roles: CHANNEL_WRITERS, audit: 'notification-channel.change' },
      schema: {
        tags: ['notifications'],
        summary: 'Change a channel (a webhook’s secret or headers only when given)',
        params: channelParams,
        body: channelPatchSchema,
        response: { 200: channelSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { facilityId, channelId } = request.params
      const facility = await facilityFor(request.principal, facilityId)
      const before = await existingChannel(facilityId, channelId)
      assertMayWrite(request.principal, facility, before)
      const { secret, headers, kinds, bodyTemplate, to, url, ...fields } = request.body
      const after = { ...before, ...fields } as Channel
      if (kinds === null) delete after.kinds
      else if (kinds !== undefined) after.kinds = kinds
      if (after.kind === 'email') {
        if (url !== undefined || bodyTemplate !== undefined || secret !== undefined || headers !== undefined)
          throw badRequest('body: url, bodyTemplate, secret and headers belong to webhooks')
        if (to !== undefined) after.to = to
      } else {
        if (to !== undefined) throw badRequest('body.to: addresses belong to e-mail channels')
        if (url !== undefined) {
          assertWebhookUrl(url)
          after.url = url
        }
        if (bodyTemplate === null) delete after.bodyTemplate
        else if (bodyTemplate !== undefined) after.bodyTemplate = bodyTemplate
        if (headers !== undefined) after.headerNames = Object.keys(headers)
      }
      assertMayWrite(request.principal, facility, after)
      let secrets: WebhookSecrets | undefined
      if (secret !== undefined || headers !== undefined) {
        const stored = await fastify.notifications.webhookSecrets(facilityId, channelId)
        secrets = { secret: secret ?? stored!.secret, headers: headers ?? stored?.headers }
      }
      await fastify.notifications.updateChannel(after, secrets)
      await request.recordChange({
        facilityId,
        target: target(channelId),
        before: channelResponse(before),
        after: channelResponse(after),
      })
      return channelResponse(after)
    },
  )

  fastify.delete(
    '/:facilityId/notification-channels/:channelId',
    {
      config: { roles: CHANNEL_WRITERS, audit: 'notification-channel.delete' },
      schema: {
        tags: ['notifications'],
        summary: 'Remove a channel; what it was sent stays in the alerts’ delivery history',
        params: channelParams,
        response: { 204: z.null(), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { facilityId, channelId } = request.params
      const facility = await facilityFor(request.principal, facilityId)
      const before = await existingChannel(facilityId, channelId)
      assertMayWrite(request.principal, facility, before)
      await fastify.notifications.deleteChannel(facilityId, channelId)
      await request.recordChange({ facilityId, target: target(channelId), before: channelResponse(before) })
      return reply.code(204).send(null)
    },
  )

  fastify.get(
    '/:facilityId/escalation',
    {
      config: { roles: READERS },
      schema: {
        tags: ['notifications'],
        summary: "The facility's escalation policy; 404 when it has none (every channel hears at once)",
        params: facilityParams,
        response: { 200: escalationSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { facilityId } = request.params
      await facilityFor(request.principal, facilityId)
      const policy = await fastify.notifications.getEscalationPolicy(facilityId)
      if (policy === undefined) throw notFound(`facility ${facilityId} has no escalation policy`)
      return escalationResponse(policy)
    },
  )

  /** Admins and the owner organisation: whom to wake is the employer's decision. */
  function assertMaySetEscalation(principal: Principal, facility: Facility): void {
    const owner = facility.ownerId !== undefined && facility.ownerId === principal.organisationId
    if (principal.role !== 'admin' && !owner)
      throw new HttpError(403, 'only an admin or the facility’s owner organisation sets its escalation')
  }

  fastify.put(
    '/:facilityId/escalation',
    {
      config: { roles: CHANNEL_WRITERS, audit: 'escalation.set' },
      schema: {
        tags: ['notifications'],
        summary: 'Set the escalation policy: tiers of channels with a delay each, a repeat, quiet hours',
        params: facilityParams,
        body: escalationInputSchema,
        response: { 200: escalationSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { facilityId } = request.params
      const facility = await facilityFor(request.principal, facilityId)
      assertMaySetEscalation(request.principal, facility)
      const known = new Set(
        (await fastify.notifications.listChannels(facilityId)).map((channel) => channel.id),
      )
      request.body.tiers.forEach((tier, index) => {
        const unknown = tier.channelIds.filter((id) => !known.has(id))
        if (unknown.length > 0)
          throw badRequest(
            `body.tiers.${index}.channelIds: no channel ${unknown.join(', ')} at this facility`,
          )
      })
      const before = await fastify.notifications.getEscalationPolicy(facilityId)
      const policy = { facilityId, ...request.body }
      await fastify.notifications.setEscalationPolicy(policy)
      await request.recordChange({
        facilityId,
        target: { type: 'escalation', id: facilityId },
        before,
        after: policy,
      })
      return escalationResponse(policy)
    },
  )

  fastify.delete(
    '/:facilityId/escalation',
    {
      config: { roles: CHANNEL_WRITERS, audit: 'escalation.delete' },
      schema: {
        tags: ['notifications'],
        summary: 'Remove the escalation policy: every channel hears at once again',
        params: facilityParams,
        response: { 204: z.null(), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { facilityId } = request.params
      const facility = await facilityFor(request.principal, facilityId)
      assertMaySetEscalation(request.principal, facility)
      const before = await fastify.notifications.getEscalationPolicy(facilityId)
      if (before === undefined) throw notFound(`facility ${facilityId} has no escalation policy`)
      await fastify.notifications.deleteEscalationPolicy(facilityId)
      await request.recordChange({ facilityId, target: { type: 'escalation', id: facilityId }, before })
      return reply.code(204).send(null)
    },
  )
}

export default notificationChannelRoutes
