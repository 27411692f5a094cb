import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { externalEditRoom, RoomEvent } from '@quire/contracts';
import { AccountScope, insertOutboxEvent, modifiedRows, Outbox } from '@quire/platform';
import { ReportsRepository } from '../reports/reports.repository';

function roomEvent(labReportId: string, subject: string, data: object, sequence: number): RoomEvent {
  return { room: externalEditRoom(labReportId), event: subject.slice(subject.lastIndexOf('.') + 1), data, sequence };
}

/**
 * Events of a report's room (`external_edit_<id>`), written to the outbox in the caller's
 * transaction; `Outbox.flush` publishes them after commit. The report's counter gives each event
 * of a room its `sequence`.
 */
@Injectable()
export class RoomEvents {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly outbox: Outbox,
  ) {}

  async record(scope: AccountScope, labReportId: string, subject: string, data: object): Promise<void> {
    const sequence = await this.reports.nextEventSequence(scope, labReportId);
    await this.outbox.record(subject, roomEvent(labReportId, subject, data, sequence));
  }
}

/**
 * The same for a caller still in a DataSource transaction of its own (the version upload path,
 * until it moves to `RoomEvents`).
 */
export async function enqueueRoomEvent(manager: EntityManager, labReportId: string, subject: string, data: object): Promise<void> {
  const [row] = await modifiedRows<{ event_sequence: string }>(
    manager,
    `UPDATE "edit_session"."lab_reports" SET "event_sequence" = "event_sequence" + 1, "updated_at" = now()
       WHERE "id" = $1 RETURNING "event_sequence"`,
    [labReportId],
  );
  await insertOutboxEvent(manager, 'edit_session', subject, roomEvent(labReportId, subject, data, Number(row?.event_sequence ?? 0)));
}
