import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID, ValidateNested } from 'class-validator';
import { ReceivedFile } from './received-file.dto';

/** One file the gateway may write under a reservation: its field, final key and size limit. */
export class ReservedPart {
  field: string;
  /** The final object key, under the owning service's prefix: written once, never copied. */
  key: string;
  /** Largest accepted file in bytes; one byte more is a 413. */
  maxBytes: number;
}

/**
 * A service's answer to an upload preflight (DESIGN.md "Big payloads never cross NATS"): the
 * principal may upload here, to these keys, within these limits, until `expiresAt`. The commit
 * names `reservationId`, which makes it idempotent.
 */
export class UploadReservation {
  reservationId: string;
  parts: ReservedPart[];
  /** Epoch ms; after it the service's sweeper deletes whatever was written and the commit is refused. */
  expiresAt: number;
}

/** What every reservation commit carries; a service's commit request extends it. */
export class ReservationCommit {
  @IsUUID()
  reservationId: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ReceivedFile)
  files: ReceivedFile[];
}
