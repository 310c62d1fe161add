import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { readingsTopic, sensorChangeTopic } from '../../../../../core/topics.ts'
import { newSensorSecret } from '../../../../../registry/credentials.ts'
import type { Sensor } from '../../../../../registry/types.ts'
import { assertReach, MAINTAINERS, READERS, scopeOf } from '../../../../access.ts'
import { HttpError, notFound } from '../../../../http-errors.ts'
import { errorSchema, idSchema, isoTime, pageQuerySchema, pageSchema } from '../common-schemas.ts'
import { assertVariantOf } from '../limit-variants.ts'
import { credentialsSchema, sensorInputSchema, sensorPatchSchema, sensorSchema } from './schema.ts'

export function sensorResponse(sensor: Sensor, now = Date.now()) {
  return {
    ...sensor,
    calibratedAt: isoTime(sensor.calibratedAt),
    calibrationDue: isoTime(sensor.calibrationDue),
    calibrationOverdue: sensor.calibrationDue !== undefined && sensor.calibrationDue < now,
    lastSeenAt: isoTime(sensor.lastSeenAt),
  }
}

const sensorParams = z.object({ sensorId: idSchema })

const sensorRoutes: FastifyPluginAsyncZod = async (fastify) => {
  /** The sensor, if the caller's key reaches its facility: 404 when unknown, 403 when out of scope. */
  async function reachableSensor(principal: Parameters<typeof assertReach>[0], sensorId: string) {
    const sensor = await fastify.registry.getSensor(sensorId)
    if (sensor === undefined) throw notFound(`no sensor ${sensorId}`)
    assertReach(principal, sensor.facilityId)
    return sensor
  }

  // Broker and ingest act on a change at once instead of at their next registry refresh.
  async function announce(sensorId: string) {
    await fastify.mqtt.publishAsync(sensorChangeTopic(sensorId), '', { qos: 1 })
  }

  /** A sensor's own variant must be one of its facility's profile (an unknown facility is the registry's 404). */
  async function assertSensorVariant(facilityId: string, variant: string | null | undefined) {
    if (variant === undefined || variant === null) return
    const facility = await fastify.registry.getFacility(facilityId)
    if (facility !== undefined) assertVariantOf(facility.profile, variant)
  }

  function credentials(sensor: Pick<Sensor, 'id' | 'facilityId'>, password: string) {
    return { username: sensor.id, password, topic: readingsTopic(sensor.facilityId, sensor.id) }
  }

  fastify.get(
    '/',
    {
      config: { roles: READERS },
      schema: {
        tags: ['sensors'],
        summary: 'List sensors this key reaches, optionally of one facility',
        querystring: pageQuerySchema.extend({
          facility: idSchema.optional(),
          status: z.enum(['active', 'decommissioned']).optional(),
        }),
        response: { 200: pageSchema(sensorSchema), 403: errorSchema },
      },
    },
    async (request) => {
      const { facility, status, ...page } = request.query
      if (facility !== undefined) assertReach(request.principal, facility)
      const facilityIds = facility === undefined ? scopeOf(request.principal) : [facility]
      const result = await fastify.registry.listSensors({ ...page, status, facilityIds })
      const now = Date.now()
      return { ...result, items: result.items.map((sensor) => sensorResponse(sensor, now)) }
    },
  )

  fastify.post(
    '/',
    {
      config: { roles: MAINTAINERS },
      schema: {
        tags: ['sensors'],
        summary: 'Register a sensor and receive its MQTT credentials, shown this once',
        body: sensorInputSchema,
        response: {
          201: z.object({ sensor: sensorSchema, credentials: credentialsSchema }),
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request, reply) => {
      assertReach(request.principal, request.body.facilityId)
      await assertSensorVariant(request.body.facilityId, request.body.sensorLimitVariant)
      const { password, hash } = await newSensorSecret()
      const sensor = await fastify.registry.createSensor(request.body, hash)
      await announce(sensor.id)
      return reply
        .code(201)
        .send({ sensor: sensorResponse(sensor), credentials: credentials(sensor, password) })
    },
  )

  fastify.get(
    '/:sensorId',
    {
      config: { roles: READERS },
      schema: {
        tags: ['sensors'],
        summary: 'One sensor',
        params: sensorParams,
        response: { 200: sensorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => sensorResponse(await reachableSensor(request.principal, request.params.sensorId)),
  )

  fastify.patch(
    '/:sensorId',
    {
      config: { roles: MAINTAINERS },
      schema: {
        tags: ['sensors'],
        summary:
          'Change a sensor: zone, model, serial, factors, calibration dates, reporting interval, limit variant',
        params: sensorParams,
        body: sensorPatchSchema,
        response: { 200: sensorSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const current = await reachableSensor(request.principal, request.params.sensorId)
      await assertSensorVariant(current.facilityId, request.body.sensorLimitVariant)
      const sensor = await fastify.registry.updateSensor(request.params.sensorId, request.body)
      await announce(sensor.id)
      return sensorResponse(sensor)
    },
  )

  fastify.post(
    '/:sensorId/credentials',
    {
      config: { roles: MAINTAINERS },
      schema: {
        tags: ['sensors'],
        summary: 'Rotate the MQTT credentials: the new password is shown once, the old one stops working',
        params: sensorParams,
        response: { 200: credentialsSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const sensor = await reachableSensor(request.principal, request.params.sensorId)
      if (sensor.status === 'decommissioned')
        throw new HttpError(409, `sensor ${sensor.id} is decommissioned`)
      const { password, hash } = await newSensorSecret()
      await fastify.registry.setSensorSecret(sensor.id, hash)
      await announce(sensor.id)
      return credentials(sensor, password)
    },
  )

  fastify.delete(
    '/:sensorId/credentials',
    {
      config: { roles: MAINTAINERS },
      schema: {
        tags: ['sensors'],
        summary: 'Revoke the MQTT credentials: the sensor is disconnected and cannot connect again',
        params: sensorParams,
        response: { 204: z.null(), 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const sensor = await reachableSensor(request.principal, request.params.sensorId)
      if (sensor.status === 'decommissioned')
        throw new HttpError(409, `sensor ${sensor.id} is decommissioned`)
      await fastify.registry.setSensorSecret(sensor.id, undefined)
      await announce(sensor.id)
      return reply.code(204).send(null)
    },
  )

  fastify.post(
    '/:sensorId/decommission',
    {
      config: { roles: MAINTAINERS },
      schema: {
        tags: ['sensors'],
        summary: 'Take a sensor out of service for good: credentials revoked, readings refused, data kept',
        params: sensorParams,
        response: { 200: sensorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      await reachableSensor(request.principal, request.params.sensorId)
      const sensor = await fastify.registry.decommissionSensor(request.params.sensorId)
      await announce(sensor.id)
      return sensorResponse(sensor)
    },
  )
}

export default sensorRoutes
