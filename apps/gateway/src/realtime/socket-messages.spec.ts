import { DomainError, ErrorCode } from '@quire/errors';
import { errorMessage, parseRoomEvent, parseRoomRequest, roomEventMessage } from './socket-messages';

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseRoomRequest', () => {
  it('accepts a valid room name', () => {
    expect(parseRoomRequest({ room: 'system_acc-1' }).room).toBe('system_acc-1');
  });

  it.each([[undefined], [null], ['system_x'], [['system_x']], [{}], [{ room: 5 }], [{ room: 'a b' }], [{ room: '_x' }], [{ room: 'a'.repeat(201) }], [{ room: 'ok', extra: 1 }]])(
    'refuses %j with VALIDATION_FAILED',
    (body) => {
      expect(() => parseRoomRequest(body)).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed }));
    },
  );
});

describe('parseRoomEvent', () => {
  it('reads a RoomEvent', () => {
    expect(parseRoomEvent(bytes({ room: 'system_a', event: 'notice', data: { x: 1 }, sequence: 7 }))).toEqual({
      room: 'system_a',
      event: 'notice',
      data: { x: 1 },
      sequence: 7,
    });
    expect(parseRoomEvent(bytes({ room: 'system_a', event: 'notice', data: null }))).toEqual({ room: 'system_a', event: 'notice', data: null });
  });

  it.each([
    ['not json', 'nope'],
    ['a string', '"x"'],
    ['no room', { event: 'e', data: {} }],
    ['a bad room name', { room: 'a b', event: 'e', data: {} }],
    ['no event name', { room: 'r', data: {} }],
    ['an event name with spaces', { room: 'r', event: 'a b', data: {} }],
    ['a sequence that is not a number', { room: 'r', event: 'e', data: {}, sequence: '1' }],
  ])('drops %s', (_label, payload) => {
    expect(parseRoomEvent(bytes(payload))).toBeUndefined();
  });
});

describe('roomEventMessage', () => {
  it('is {event, data, room} plus the sequence when the service set one', () => {
    expect(roomEventMessage({ room: 'r', event: 'e', data: { a: 1 } })).toEqual({ event: 'e', data: { a: 1 }, room: 'r' });
    expect(roomEventMessage({ room: 'r', event: 'e', data: [1], sequence: 3 })).toEqual({ event: 'e', data: [1], room: 'r', sequence: 3 });
  });
});

describe('errorMessage', () => {
  it('carries the code, message, details and room; hides unexpected errors', () => {
    expect(errorMessage(DomainError.forbidden('No', { why: 'x' }), 'r')).toEqual({
      event: 'error',
      data: { code: 'FORBIDDEN', message: 'No', details: { why: 'x' }, room: 'r' },
    });
    expect(errorMessage(new Error('secret internals'))).toEqual({ event: 'error', data: { code: 'INTERNAL', message: 'Internal server error' } });
  });
});
