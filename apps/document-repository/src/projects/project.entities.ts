import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ProjectRole = 'read' | 'write' | 'admin';

@Entity({ schema: 'docrepo', name: 'projects' })
export class Project {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('text') name: string;
  @Column('uuid', { name: 'template_id', nullable: true }) templateId: string | null;
  @Column('uuid', { name: 'created_by' }) createdBy: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
