'use strict';
// Multipart uploads sent by curl, the client the specs' own examples use. A separate, lean process:
// Node's fetch spends about as much CPU encoding a multipart body as the gateway spends receiving
// it, and on a 2-core box that CPU is taken from the server side being measured (bench/README.md).
const { execFile } = require('node:child_process');

/**
 * POSTs `fields` ({name: value}) and `files` ([{field, path, name, type}]) as multipart/form-data
 * with `headers`; resolves {status, body}.
 */
function curlUpload(url, { headers = {}, fields = {}, files = [] }) {
  const args = ['-sS', '-o', '-', '-w', '\n%{http_code}', '-X', 'POST'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  for (const file of files) args.push('-F', `${file.field}=@${file.path};filename=${file.name};type=${file.type ?? 'application/octet-stream'}`);
  for (const [name, value] of Object.entries(fields)) args.push('-F', `${name}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile('curl', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const cut = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
    });
  });
}

module.exports = { curlUpload };
