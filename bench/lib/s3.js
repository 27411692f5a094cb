'use strict';
const { DeleteObjectsCommand, ListObjectsV2Command } = require('@aws-sdk/client-s3');

/**
 * Deletes the objects of `bucket` whose key `matches`. Benchmarks call it between measurements
 * (untimed): the test S3 server keeps everything in its heap, and a heap that grows by hundreds
 * of MB per run slows whatever is measured later, which favoured whichever side ran first.
 */
async function dropObjects(s3, bucket, matches) {
  let token;
  do {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    const keys = (listed.Contents ?? []).map((object) => object.Key).filter(matches);
    if (keys.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
    token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
  } while (token);
}

module.exports = { dropObjects };
