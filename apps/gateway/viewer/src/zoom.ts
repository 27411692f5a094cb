/** Zoom rules, kept free of the DOM (unit-tested in zoom.spec.ts). */

export type ZoomMode = 'fit-width' | 'fit-page' | 'custom';

export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4] as const;
export const MIN_ZOOM = ZOOM_STEPS[0];
export const MAX_ZOOM = ZOOM_STEPS[ZOOM_STEPS.length - 1];

/** Page image scales the viewer asks for: few, so each rendered variant is reused (the service keeps every variant it made). */
export const IMAGE_SCALES = [1, 1.5, 2, 3, 4] as const;

export function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** The next step above (direction 1) or below (-1) the current zoom. */
export function stepZoom(current: number, direction: 1 | -1): number {
  const epsilon = 0.001;
  if (direction > 0) return ZOOM_STEPS.find((step) => step > current + epsilon) ?? MAX_ZOOM;
  return [...ZOOM_STEPS].reverse().find((step) => step < current - epsilon) ?? MIN_ZOOM;
}

/** Zoom at which the widest page fills the available width (or, fit page, also its height). */
export function fitZoom(mode: 'fit-width' | 'fit-page', page: { width: number; height: number }, available: { width: number; height: number }): number {
  const byWidth = available.width / page.width;
  if (mode === 'fit-width') return clampZoom(byWidth);
  return clampZoom(Math.min(byWidth, available.height / page.height));
}

/** The smallest image scale that is sharp at this zoom on this screen (device pixels per page pixel). */
export function imageScaleFor(zoom: number, devicePixelRatio: number): number {
  const needed = zoom * devicePixelRatio;
  // A little softness (≤ 10 %) is better than twice the bytes.
  return IMAGE_SCALES.find((scale) => scale >= needed * 0.9) ?? IMAGE_SCALES[IMAGE_SCALES.length - 1];
}
