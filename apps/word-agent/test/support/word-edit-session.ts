import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { signInAs, testS3Client } from '@quire/testing';
import { makeDocx } from './docx-fixture';

const run = promisify(execFile);

export interface WordEditSession {
  labReportId: number;
  editId: string;
  /** The `winword://` link the browser would open. */
  launchUrl: string;
  /** A word-edit API call as the doctor who started the session. */
  api(route: string, init?: RequestInit): Promise<Response>;
}

/**
 * What the browser does before "Edit in Word": a doctor signs in, creates a lab report and a
 * template through the word-edit API and starts an external edit session on the real gateway.
 */
export async function startWordEditSession(gatewayUrl: string, env: Record<string, string>, doctor: { account: string; displayName: string }): Promise<WordEditSession> {
  const identity = await signInAs({ gatewayUrl, env }, doctor);
  const api = (route: string, init: RequestInit = {}) =>
    fetch(`${gatewayUrl}/api-v3/report/external-edit${route}`, {
      ...init,
      headers: { authorization: `Bearer ${identity.token}`, ...(init.headers as Record<string, string> | undefined) },
    });
  const json = { 'content-type': 'application/json' };
  const report = await api('/reports', { method: 'POST', headers: json, body: JSON.stringify({ title: 'CBC' }) });
  if (report.status !== 201) throw new Error(`create report: ${report.status} ${await report.text()}`);
  const labReportId = ((await report.json()) as { id: number }).id;
  const form = new FormData();
  form.append('name', 'Template for the real stack');
  form.append('file', new Blob([new Uint8Array(makeDocx('Template for the real stack'))]), 'template.docx');
  const template = await api('/templates', { method: 'POST', body: form });
  if (template.status !== 201) throw new Error(`create template: ${template.status} ${await template.text()}`);
  const { id: templateId, word_s3_filepath: templatePath } = (await template.json()) as { id: number; word_s3_filepath: string };
  const created = await api(`/${labReportId}`, { method: 'POST', headers: json, body: JSON.stringify({ template_id: templateId, word_s3_filepath: templatePath }) });
  if (created.status !== 200) throw new Error(`start edit session: ${created.status} ${await created.text()}`);
  const session = (await created.json()) as { edit_id: number | string; auth_token: string; template_path: string };
  return {
    labReportId,
    editId: String(session.edit_id),
    launchUrl: `winword://${session.auth_token}^${session.edit_id}^${session.template_path}`,
    api,
  };
}

function s3Location(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// path: ${uri}`);
  return { bucket: match[1], key: match[2] };
}

/** The PDF of the report's newest version (word-edit spec: GET /{lab_report_id}), read back with poppler. */
export async function currentVersionPdf(session: WordEditSession, scratchDir: string): Promise<{ text: string; pages: number }> {
  const current = await session.api(`/${session.labReportId}`);
  if (current.status !== 200) throw new Error(`read report: ${current.status} ${await current.text()}`);
  const version = (await current.json()) as { pdf_file_path: string };
  const at = s3Location(version.pdf_file_path);
  const object = await testS3Client().send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
  const file = path.join(scratchDir, 'version.pdf');
  await writeFile(file, Buffer.from(await object.Body!.transformToByteArray()));
  const { stdout: text } = await run('pdftotext', [file, '-']);
  const { stdout: info } = await run('pdfinfo', [file]);
  return { text, pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]) };
}
