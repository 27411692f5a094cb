import { LaunchLinkError, parseWinwordUri } from './winword-uri';

const token = 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJlZGl0LXNlc3Npb24ifQ.c2lnbmF0dXJl';
const presigned =
  'https://bucket.s3.example.com/reports/42/report.docx?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261123%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=abc123';

describe('parseWinwordUri', () => {
  it('reads token, edit id and the presigned URL, keeping the URL query encoding as is', () => {
    expect(parseWinwordUri(`winword://${token}^123^${presigned}`)).toEqual({ token, editId: '123', documentUrl: presigned });
  });

  it('accepts %5E separators and a URL encoded as a whole (browsers)', () => {
    const uri = `winword://${token}%5E123%5e${encodeURIComponent(presigned)}`;
    expect(parseWinwordUri(uri)).toEqual({ token, editId: '123', documentUrl: presigned });
  });

  it('tolerates an extra slash after the scheme and a trailing slash', () => {
    expect(parseWinwordUri(`winword:///${token}^abc-9^${presigned}/`).documentUrl).toBe(presigned);
    expect(parseWinwordUri(`WINWORD:${token}^7^https://h.example/x/report.docx/`).documentUrl).toBe('https://h.example/x/report.docx');
  });

  it('splits on the first two separators only', () => {
    const url = 'https://h.example/a.docx?x=1^2';
    expect(parseWinwordUri(`winword://${token}^5^${url}`).documentUrl).toBe(url);
  });

  it.each([
    ['not the scheme', `https://${token}^1^${presigned}`, /Not a winword/],
    ['two parts', `winword://${token}^${presigned}`, /three parts/],
    ['no separators', 'winword://', /three parts/],
    ['not a token', `winword://not-a-jwt^1^${presigned}`, /not a session token/],
    ['bad edit id', `winword://${token}^1 2^${presigned}`, /edit id/],
    ['not a URL', `winword://${token}^1^nothing`, /not a URL/],
    ['not http', `winword://${token}^1^file:///etc/passwd`, /http/],
  ])('rejects %s with a clear message', (_name, uri, message) => {
    expect(() => parseWinwordUri(uri)).toThrow(LaunchLinkError);
    expect(() => parseWinwordUri(uri)).toThrow(message);
  });

  it('never puts the token in an error message', () => {
    try {
      parseWinwordUri(`winword://${token}^bad id^x`);
    } catch (error) {
      expect((error as Error).message).not.toContain(token);
    }
    expect.assertions(1);
  });
});
