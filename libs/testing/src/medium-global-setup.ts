import { startTestS3 } from './global-setup';

/** Medium tests run no app processes: S3 only, no build (docs/adr/009-service-shape.md). */
export default async function mediumGlobalSetup(): Promise<void> {
  await startTestS3();
}
