import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import QRCode from 'qrcode'
import { z } from 'zod'
import { readingsTopic, sensorChangeTopic } from '../../../../../core/topics.ts'
import { newSensorSecret } from '../../../../../registry/credentials.ts'
import { ConflictError } from '../../../../../registry/errors.ts'
import type { Sensor } from '../../../../../registry/types.ts'
import {
  assertReachable,
  MAINTAINERS,
  type Principal,
  READERS,
  reachableFacility,
  scopeOf,
} from '../../../../access.ts'
import { badRequest, HttpError } from '../../../../http-errors.ts'
import { assertVariantOf } from '../../../../limit-variants.ts'
import { errorSchema, idSchema, pageQuerySchema, pageSchema } from '../../../../schemas/common.ts'
import { sensorResponse, sensorSchema } from '../../../../schemas/sensor.ts'
import { credentialsSchema, sensorInputSchema, sensorPatchSchema } from './schema.ts'

const sensorParams = z.object({ sensorId: idSchema })

/** A sensor's audit entry: the registry's record before and after (credentials only as `hasCredentials`). */
function sensorChange(sensor: Pick<Sensor, 'id' | 'facilityId'>, before?: Sensor, after?: Sensor) {
  return { facilityId: sensor.facilityId, target: { type: 'sensor' as const, id: sensor.id }, before, after }
}

export interface SensorRoutesOptions {
  /** Where sensors reach the broker, written into their device configuration. */
  brokerUrl?: string
}

const sensorRoutes: FastifyPluginAsyncZod<SensorRoutesOptions> = async (fastify, options) => {
  /** The sensor, if the caller's key reaches its facility (see assertReachable: no existence oracle). */
  async function reachableSensor(principal: Principal, sensorId: string) {
    const sensor = await fastify.registry.getSensor(sensorId)
    assertReachable(principal, sensor?.facilityId, `sensor ${sensorId}`)
    return sensor!
  }

  // Broker and ingest act on a change at once instead of at their next registry refresh.
  async function announce(sensorId: string) {
    await fastify.broker.publish(sensorChangeTopic(sensorId), '')
  }

  /** A sensor's zone is one of its own facility's: another facility's zone is refused as no zone is. */
  async function assertZoneOf(facilityId: string, zoneId: string | undefined) {
    if (zoneId === undefined) return
    const zones = await fastify.registry.listZones(facilityId)
    if (!zones.some((zone) => zone.id === zoneId)) {
      throw badRequest(`body.zoneId: facility ${facilityId} has no zone ${zoneId}`)
    }
  }

  /**
   * The credentials, shown this once, with the whole device configuration as text to copy and as a QR code
   * (a PNG data: URL, which the page's CSP allows) for a device or an installer's phone to scan.
   */
  async function credentials(sensor: Sensor, password: string) {
    const topic = readingsTopic(sensor.facilityId, sensor.id)
    const deviceConfig = JSON.stringify({
      broker: options.brokerUrl,
      clientId: sensor.id,
      username: sensor.id,
      password,
      topic,
      qos: 1,
      reportingIntervalS: sensor.reportingIntervalS,
      factors: sensor.factors,
    })
    const qrCode = await QRCode.toDataURL(deviceConfig, { errorCorrectionLevel: 'M', margin: 2, width: 320 })
    return { username: sensor.id, password, topic, deviceConfig, qrCode }
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
      if (facility !== undefined) await reachableFacility(fastify.registry, request.principal, facility)
      const facilityIds = facility === undefined ? scopeOf(request.principal) : [facility]
      const result = await fastify.registry.listSensors({ ...page, status, facilityIds })
      const now = Date.now()
      return { ...result, items: result.items.map((sensor) => sensorResponse(sensor, now)) }
    },
  )

  fastify.post(
    '/',
    {
      config: { roles: MAINTAINERS, audit: 'sensor.register' },
      schema: {
        tags: ['sensors'],
        summary: 'Register a sensor and receive its MQTT credentials, shown this once',
        description:
          'Sensor ids are global, not per facility: a sensor connects with its id as MQTT user name. An id ' +
          'taken anywhere is refused (409) without saying by whom.',
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
      const { id, facilityId, zoneId, sensorLimitVariant } = request.body
      const facility = await reachableFacility(fastify.registry, request.principal, facilityId)
      await assertZoneOf(facilityId, zoneId)
      assertVariantOf(facility.profile, sensorLimitVariant)
      const { password, hash } = await newSensorSecret()
      let sensor: Sensor
      try {
        sensor = await fastify.registry.createSensor(request.body, hash)
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err
        throw new HttpError(
          409,
          `sensor id ${id} is taken: sensor ids are global, as they are MQTT user names; choose another`,
        )
      }
      await request.recordChange(sensorChange(sensor, undefined, sensor))
      await announce(sensor.id)
      return reply
        .code(201)
        .send({ sensor: sensorResponse(sensor), credentials: await credentials(sensor, password) })
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
      config: { roles: MAINTAINERS, audit: 'sensor.change' },
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
      await assertZoneOf(current.facilityId, request.body.zoneId)
      if (request.body.sensorLimitVariant !== undefined && request.body.sensorLimitVariant !== null) {
        const facility = await reachableFacility(fastify.registry, request.principal, current.facilityId)
        assertVariantOf(facility.profile, request.body.sensorLimitVariant)
      }
      const sensor = await fastify.registry.updateSensor(request.params.sensorId, request.body)
      await request.recordChange(sensorChange(sensor, current, sensor))
      await announce(sensor.id)
      return sensorResponse(sensor)
    },
  )

  fastify.post(
    '/:sensorId/credentials',
    {
      config: { roles: MAINTAINERS, audit: 'sensor.rotate-credentials' },
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
      await request.recordChange(sensorChange(sensor, sensor, await fastify.registry.getSensor(sensor.id)))
      await announce(sensor.id)
      return await credentials(sensor, password)
    },
  )

  fastify.delete(
    '/:sensorId/credentials',
    {
      config: { roles: MAINTAINERS, audit: 'sensor.revoke-credentials' },
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
      await request.recordChange(sensorChange(sensor, sensor, await fastify.registry.getSensor(sensor.id)))
      await announce(sensor.id)
      return reply.code(204).send(null)
    },
  )

  fastify.post(
    '/:sensorId/decommission',
    {
      config: { roles: MAINTAINERS, audit: 'sensor.decommission' },
      schema: {
        tags: ['sensors'],
        summary: 'Take a sensor out of service for good: credentials revoked, readings refused, data kept',
        params: sensorParams,
        response: { 200: sensorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const current = await reachableSensor(request.principal, request.params.sensorId)
      const sensor = await fastify.registry.decommissionSensor(request.params.sensorId)
      await request.recordChange(sensorChange(sensor, current, sensor))
      await announce(sensor.id)
      return sensorResponse(sensor)
    },
  )
}

export default sensorRoutes
