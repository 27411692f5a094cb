import { EntityManager } from 'typeorm';
import { externalEditRoom, RoomEvent } from '@quire/contracts';
import { insertOutboxEvent, modifiedRows } from '@quire/platform';

/**
 * Writes a room event to the outbox inside the caller's transaction; `Outbox.flush` publishes it after
 * commit. The report's counter gives each event of a room its `sequence`, and its row lock orders
 * concurrent writers of one report the way they commit.
 */
export async function enqueueRoomEvent(
  manager: EntityManager,
  labReportId: string,
  subject: string,
  data: object,
): Promise<void> {
  const [row] = await modifiedRows<{ event_sequence: string }>(
    manager,
    `UPDATE "edit_session"."lab_reports" SET "event_sequence" = "event_sequence" + 1, "updated_at" = now()
       WHERE "id" = $1 RETURNING "event_sequence"`,
    [labReportId],
  );
  const event = subject.slice(subject.lastIndexOf('.') + 1);
  const payload: RoomEvent = { room: externalEditRoom(labReportId), event, data, sequence: Number(row?.event_sequence ?? 0) };
  await insertOutboxEvent(manager, 'edit_session', subject, payload);
}
