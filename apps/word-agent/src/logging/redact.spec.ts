import { redact } from './redact';

describe('redact', () => {
  it('removes JWTs, bearer values and presigned query strings', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcDEF_-1';
    const line = `open winword://${jwt}^1^https://s3.example/b/r.docx?X-Amz-Signature=secret&X-Amz-Credential=AK Authorization: Bearer opaque-token`;
    const out = redact(line);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('secret');
    expect(out).not.toContain('opaque-token');
    expect(out).toContain('https://s3.example/b/r.docx?[redacted]');
  });

  it('also redacts a presigned URL encoded as a whole', () => {
    const url = 'https://s3.example/b/r.docx?X-Amz-Credential=AK%2F2026&X-Amz-Signature=secret';
    const out = redact(`winword://x%5E1%5E${encodeURIComponent(url)}/`);
    expect(out).not.toContain('secret');
    expect(out).not.toContain('AK');
    expect(out).toContain('https%3A%2F%2Fs3.example%2Fb%2Fr.docx%3F[redacted]');
    expect(redact('X-Amz-Signature%3Dsecret')).toBe('X-Amz-Signature%3D[redacted]');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('uploaded report.docx to http://127.0.0.1:3000/api')).toBe('uploaded report.docx to http://127.0.0.1:3000/api');
  });
});
