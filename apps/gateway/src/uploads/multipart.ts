import fastifyMultipart from '@fastify/multipart';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Lets routes read multipart bodies as streams (`request.parts()`). The plugin's limits here are
 * strict fallbacks: every upload route passes its own through UploadPipeline.
 */
export async function registerMultipart(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyMultipart, { limits: { fileSize: 1024 * 1024, files: 1, fields: 20, parts: 21 } });
  // A multipart body is read by the handler, so an early answer (413, bad signature, 401) leaves
  // the rest of it unread: close the connection after answering instead of reading on or letting
  // the socket stall with a half-read request (which would also hold up a graceful shutdown).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      if (!request.raw.complete) void reply.header('connection', 'close');
      return payload;
    });
}
