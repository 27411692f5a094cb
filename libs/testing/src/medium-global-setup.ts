import { randomBytes } from 'node:crypto';
import { startTestS3 } from './global-setup';

/**
 * Medium tests run no app processes: S3 only, no build (docs/adr/009-service-shape.md). The run
 * id names this run's template databases, which the teardown drops.
 */
export default async function mediumGlobalSetup(): Promise<void> {
  process.env.QUIRE_TEST_RUN_ID = randomBytes(4).toString('hex');
  await startTestS3();
}
