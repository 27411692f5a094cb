import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SourceKind } from './formats';

export type RenditionState = 'queued' | 'processing' | 'ready' | 'error';

const bigintAsNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

/**
 * One conversion of an account's source bytes (account + sha256 + render options, unique): the
 * PDF, the page count and, per page, the images made so far (`RenditionPage`). Rows are the
 * account's (ADR 013): the same bytes in two accounts are two renditions, so one account's cache
 * never answers another's requests.
 */
@Entity({ name: 'renditions' })
export class Rendition {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ name: 'options_hash', type: 'char', length: 16 })
  optionsHash: string;

  @Column({ name: 'render_options', type: 'jsonb' })
  renderOptions: Record<string, unknown>;

  @Column({ type: 'text' })
  format: string;

  @Column({ type: 'text' })
  kind: SourceKind;

  @Column({ name: 'source_key', type: 'text' })
  sourceKey: string;

  @Column({ name: 'source_size', type: 'bigint', transformer: bigintAsNumber })
  sourceSize: number;

  @Column({ name: 'pdf_key', type: 'text', nullable: true })
  pdfKey: string | null;

  @Column({ type: 'text' })
  state: RenditionState;

  @Column({ name: 'page_count', type: 'integer', nullable: true })
  pageCount: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}

/** An image of a page as stored in S3 (`rendition_pages.variants[name]`). */
export interface StoredVariant {
  key: string;
  etag: string;
  contentType: string;
  width: number;
  height: number;
}

/** A page of a rendition: its size at 96 dpi and every variant made so far, by name (`png@1`, `thumb160x160.png`). */
export interface RenditionPage {
  page: number;
  width: number;
  height: number;
  variants: Record<string, StoredVariant>;
}

/** A conversion job's delivery outcome (`conversion_jobs`). */
export interface ConversionJobOutcome {
  renditionId: string;
  sizeClass: string;
  delivery: number;
  outcome: 'done' | 'retry' | 'error';
  durationMs: number;
  error?: string;
}
