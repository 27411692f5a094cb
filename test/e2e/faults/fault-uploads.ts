/** Multipart bodies for the fault tests: a PDF of any size, sent whole or stopping half-way. */

export const PDF_HEAD = Buffer.from('%PDF-1.4\n', 'latin1');
export const PDF_TAIL = Buffer.from('\n%%EOF\n', 'latin1');

/** A small PDF the file service accepts as a user_document. */
export function smallPdf(label: string): Buffer {
  return Buffer.concat([PDF_HEAD, Buffer.from(`1 0 obj << /Title (${label}) >> endobj\n`, 'latin1'), PDF_TAIL]);
}

/** `POST /api_v3/files` of a small PDF (meta.category first). */
export function uploadSmallFile(gatewayUrl: string, apiToken: string, label: string): Promise<Response> {
  const form = new FormData();
  form.append('meta.category', 'user_document');
  form.append('file', new Blob([smallPdf(label)], { type: 'application/pdf' }), `${label}.pdf`);
  return fetch(`${gatewayUrl}/api_v3/files`, { method: 'POST', headers: { 'x-apitoken': apiToken }, body: form });
}

/**
 * `POST /api_v3/files` of a `sizeBytes` PDF streamed in 1 MiB chunks: after `pauseAfterBytes` of
 * the file it waits for `whenPaused` (which breaks something), then sends the rest.
 */
export function uploadPausingMidway(
  gatewayUrl: string,
  apiToken: string,
  options: { sizeBytes: number; pauseAfterBytes: number; whenPaused?: () => Promise<void> },
): Promise<Response> {
  const boundary = `----quirefault${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="meta.category"\r\n\r\nuser_document\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const end = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = 1024 * 1024;
  let sent = 0;
  let paused = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent === 0) {
          controller.enqueue(Buffer.concat([head, PDF_HEAD]));
          sent = PDF_HEAD.length;
          return;
        }
        if (!paused && sent >= options.pauseAfterBytes) {
          paused = true;
          await options.whenPaused?.();
        }
        const fileLeft = options.sizeBytes - PDF_TAIL.length - sent;
        if (fileLeft > 0) {
          const size = Math.min(chunk, fileLeft);
          controller.enqueue(Buffer.alloc(size, 0x20));
          sent += size;
          return;
        }
        controller.enqueue(Buffer.concat([PDF_TAIL, end]));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return fetch(`${gatewayUrl}/api_v3/files`, {
    method: 'POST',
    headers: { 'x-apitoken': apiToken, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    duplex: 'half',
  } as RequestInit);
}
