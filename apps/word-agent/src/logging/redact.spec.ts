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

  it('leaves ordinary text alone', () => {
    expect(redact('uploaded report.docx to http://127.0.0.1:3000/api')).toBe('uploaded report.docx to http://127.0.0.1:3000/api');
  });
});
