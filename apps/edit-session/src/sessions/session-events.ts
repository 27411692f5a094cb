import { EditSessionEvents, SessionEvent } from '@quire/contracts';
import type { RoomEvents } from '../events/room-events';
import { EditSession, SessionEndReason } from './edit-session.entity';

/** A session as its room events show it. */
export function sessionEvent(session: EditSession, extra: Partial<SessionEvent> = {}): SessionEvent {
  return {
    lab_report_id: Number(session.labReportId),
    edit_id: Number(session.id),
    author_name: session.authorName,
    author_user_id: session.authorUserId,
    updated_at: session.updatedAt.getTime(),
    ...extra,
  };
}

/** Queues `session_ended` with `reason` for each session, in the caller's transaction; answers how many. */
export async function announceEnded(rooms: RoomEvents, ended: EditSession[], reason: SessionEndReason): Promise<number> {
  for (const session of ended) {
    // Each ended row carries its own account: the scope of its room event.
    await rooms.record(session, session.labReportId, EditSessionEvents.sessionEnded, sessionEvent(session, { reason }));
  }
  return ended.length;
}
