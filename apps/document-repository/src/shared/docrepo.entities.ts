import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row classes for the repositories' account scope; the queries themselves are SQL (see each repository). */
@Entity({ schema: 'docrepo', name: 'folders' })
export class FolderRow {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
}

@Entity({ schema: 'docrepo', name: 'documents' })
export class DocumentRow {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
}

@Entity({ schema: 'docrepo', name: 'templates' })
export class TemplateRow {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
}

@Entity({ schema: 'docrepo', name: 'field_definitions' })
export class FieldDefinitionRow {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
}
