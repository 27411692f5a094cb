import { clampZoom, fitZoom, imageScaleFor, MAX_ZOOM, MIN_ZOOM, stepZoom } from './zoom';

describe('viewer zoom rules', () => {
  const letter = { width: 816, height: 1056 };

  it('fit width fills the width; fit page also keeps the whole page in the height', () => {
    expect(fitZoom('fit-width', letter, { width: 1108, height: 800 })).toBeCloseTo(1108 / 816);
    expect(fitZoom('fit-page', letter, { width: 1108, height: 800 })).toBeCloseTo(800 / 1056);
    expect(fitZoom('fit-page', letter, { width: 400, height: 2000 })).toBeCloseTo(400 / 816);
  });

  it('steps to the next preset up or down, and stays within the bounds', () => {
    expect(stepZoom(1, 1)).toBe(1.1);
    expect(stepZoom(1, -1)).toBe(0.9);
    expect(stepZoom(1.36, 1)).toBe(1.5);
    expect(stepZoom(1.36, -1)).toBe(1.25);
    expect(stepZoom(MAX_ZOOM, 1)).toBe(MAX_ZOOM);
    expect(stepZoom(MIN_ZOOM, -1)).toBe(MIN_ZOOM);
    expect(clampZoom(100)).toBe(MAX_ZOOM);
    expect(clampZoom(0.01)).toBe(MIN_ZOOM);
  });

  it('asks for few image scales: the smallest that is sharp enough at this zoom and pixel ratio', () => {
    expect(imageScaleFor(1, 1)).toBe(1);
    expect(imageScaleFor(1.08, 1)).toBe(1);
    expect(imageScaleFor(1.36, 1)).toBe(1.5);
    expect(imageScaleFor(1.36, 2)).toBe(3);
    expect(imageScaleFor(0.5, 1)).toBe(1);
    expect(imageScaleFor(4, 2)).toBe(4);
  });
});
