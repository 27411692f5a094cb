import globalTeardown from './global-teardown';
import { dropRunTemplates } from './medium-templates';

export default async function mediumGlobalTeardown(): Promise<void> {
  await dropRunTemplates();
  await globalTeardown();
}
