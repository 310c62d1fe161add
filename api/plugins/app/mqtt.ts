import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { connectAsync, type MqttClient } from 'mqtt'

export interface MqttOptions {
  mqttUrl: string
  username?: string
  password?: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The API's connection to the broker, with service credentials. */
    mqtt: MqttClient
  }
}

export default fp(
  async function mqtt(fastify: FastifyInstance, options: MqttOptions) {
    const client = await connectAsync(options.mqttUrl, {
      username: options.username,
      password: options.password,
      clientId: `quantrac-api-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 1000,
    })
    client.on('error', (err) => fastify.log.error({ err }, 'MQTT client error'))
    fastify.decorate('mqtt', client)
    fastify.addHook('onClose', async () => {
      await client.endAsync()
    })
  },
  { name: 'mqtt' },
)
