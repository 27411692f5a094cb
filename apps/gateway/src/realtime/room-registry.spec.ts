import { RoomRegistry } from './room-registry';

describe('RoomRegistry', () => {
  const a = { id: 'a' };
  const b = { id: 'b' };

  it('tracks members both ways', () => {
    const registry = new RoomRegistry<object>();
    registry.add('r1', a);
    registry.add('r1', b);
    registry.add('r2', a);
    registry.add('r2', a);
    expect(registry.socketsIn('r1')).toEqual([a, b]);
    expect(registry.socketsIn('r2')).toEqual([a]);
    expect(registry.roomCountOf(a)).toBe(2);
    expect(registry.has('r2', b)).toBe(false);
  });

  it('removes one membership, and every membership of a socket that went away', () => {
    const registry = new RoomRegistry<object>();
    registry.add('r1', a);
    registry.add('r2', a);
    registry.add('r1', b);
    expect(registry.remove('r1', a)).toBe(true);
    expect(registry.remove('r1', a)).toBe(false);
    expect(registry.socketsIn('r1')).toEqual([b]);
    registry.removeSocket(a);
    expect(registry.roomCountOf(a)).toBe(0);
    expect(registry.socketsIn('r2')).toEqual([]);
    // Empty rooms are forgotten, so the maps do not grow with every room ever used.
    expect(registry.roomCount).toBe(1);
    registry.removeSocket(b);
    expect(registry.roomCount).toBe(0);
  });

  it('gives a copy of the members, safe to iterate while members leave', () => {
    const registry = new RoomRegistry<object>();
    registry.add('r', a);
    registry.add('r', b);
    const seen: object[] = [];
    for (const socket of registry.socketsIn('r')) {
      seen.push(socket);
      registry.removeSocket(socket);
    }
    expect(seen).toEqual([a, b]);
  });
});
