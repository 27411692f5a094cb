import { Debouncer } from './debouncer';

describe('Debouncer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fires once after a burst of events (several per Word save)', () => {
    const fire = jest.fn();
    const debouncer = new Debouncer(300, fire);
    for (let i = 0; i < 5; i++) {
      debouncer.poke();
      jest.advanceTimersByTime(100);
    }
    expect(fire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(300);
    expect(fire).toHaveBeenCalledTimes(1);
    debouncer.poke();
    jest.advanceTimersByTime(300);
    expect(fire).toHaveBeenCalledTimes(2);
  });

  it('does not fire after cancel', () => {
    const fire = jest.fn();
    const debouncer = new Debouncer(100, fire);
    debouncer.poke();
    debouncer.cancel();
    jest.advanceTimersByTime(1_000);
    expect(fire).not.toHaveBeenCalled();
  });
});
