import { IncomingMessage } from 'node:http';
import fastifyMultipart from '@fastify/multipart';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mustCloseWithoutReading } from './upload-body';

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
    .addHook('onSend', (request, reply, payload, done) => {
      // Callback style: almost every request has been read whole by now, and costs no promise.
      if (request.raw.complete) return done(null, payload);
      // Refused for its declared size or stalled: reading on is what the answer refuses.
      if (mustCloseWithoutReading(request.raw)) {
        void reply.header('connection', 'close');
        return done(null, payload);
      }
      drainSmallBody(request.raw).then(
        (drained) => {
          if (!drained) void reply.header('connection', 'close');
          done(null, payload);
        },
        (error: Error) => done(error),
      );
    });
}

/** Unread bodies up to this size are read and dropped before an early answer (401, 403, 400). */
const DRAIN_LIMIT_BYTES = 1024 * 1024;
const DRAIN_WAIT_MS = 2000;

/**
 * A client still writing its body when the server answers and closes may see a broken pipe
 * instead of the answer (Node's fetch does). A small body is cheaper to read than to leave the
 * client guessing; a big one is cut off. True when the body was read to its end.
 */
async function drainSmallBody(raw: IncomingMessage): Promise<boolean> {
  const declared = Number(raw.headers['content-length']);
  if (!Number.isFinite(declared) || declared > DRAIN_LIMIT_BYTES || raw.destroyed) return false;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, DRAIN_WAIT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    raw.once('end', done).once('error', done).once('close', done);
    raw.resume();
  });
  return raw.complete;
}
