import { CreateOutbox1763800000000 } from './1763800000000-create-outbox';
import { CreateIdentityTables1763900000000 } from './1763900000000-create-identity-tables';
import { AddReportEditorRole1764700000000 } from './1764700000000-add-report-editor-role';

/** Every migration of the `identity` schema, oldest first. */
export const migrations = [CreateOutbox1763800000000, CreateIdentityTables1763900000000, AddReportEditorRole1764700000000];
