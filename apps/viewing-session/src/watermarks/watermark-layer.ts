import type { WatermarkBody } from '@quire/contracts';

/** Pixels per CSS pixel of the image being stamped (1 for a page at 96 dpi, less for a thumbnail). */
export interface LayerSize {
  width: number;
  height: number;
  scale: number;
}

const MIN_FONT_PX = 6;
const LINE_HEIGHT = 1.2;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** `16pt` / `12px` / `16` (points) in CSS pixels. */
export function fontSizePx(fontSize: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(pt|px)?$/.exec(fontSize ?? '');
  if (!match) return 16;
  const value = Number(match[1]);
  return match[2] === 'px' ? value : (value * 96) / 72;
}

/**
 * The SVG elements of `watermarks` on a canvas of `size`: one `<text>` per watermark, one
 * `<tspan>` per line, placed by its alignments with a margin of one line. Font families fall back
 * to fonts every machine here has, so a missing Consolas still leaves visible text.
 */
export function watermarkElements(watermarks: readonly WatermarkBody[], size: LayerSize): string {
  return watermarks
    .map((mark) => {
      const fontPx = Math.max(MIN_FONT_PX, fontSizePx(mark.fontSize) * size.scale);
      const lines = mark.text.split(/\r?\n/);
      const lineHeight = fontPx * LINE_HEIGHT;
      const margin = Math.min(fontPx, size.width / 20, size.height / 20);
      const horizontal = mark.horizontalAlign ?? 'center';
      const vertical = mark.verticalAlign === 'middle' ? 'center' : (mark.verticalAlign ?? 'center');
      const x = horizontal === 'left' ? margin : horizontal === 'right' ? size.width - margin : size.width / 2;
      const anchor = horizontal === 'left' ? 'start' : horizontal === 'right' ? 'end' : 'middle';
      const block = lineHeight * lines.length;
      const top = vertical === 'top' ? margin : vertical === 'bottom' ? size.height - margin - block : (size.height - block) / 2;
      const firstBaseline = top + fontPx;
      const family = [mark.fontFamily, 'DejaVu Sans', 'Liberation Sans', 'sans-serif'].filter(Boolean).map((f) => `'${escapeXml(f!)}'`).join(', ');
      const tspans = lines
        .map((line, i) => `<tspan x="${x.toFixed(2)}" y="${(firstBaseline + i * lineHeight).toFixed(2)}">${escapeXml(line) || ' '}</tspan>`)
        .join('');
      return (
        `<text font-family="${family}" font-size="${fontPx.toFixed(2)}" font-weight="${escapeXml(mark.fontWeight ?? 'normal')}" ` +
        `fill="${escapeXml(mark.color ?? 'black')}" fill-opacity="${mark.opacity ?? 1}" text-anchor="${anchor}" xml:space="preserve">${tspans}</text>`
      );
    })
    .join('');
}

/** A transparent SVG canvas with the watermarks on it, for compositing over a raster page. */
export function watermarkLayerSvg(watermarks: readonly WatermarkBody[], size: LayerSize): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(size.width)}" height="${Math.round(size.height)}" ` +
    `viewBox="0 0 ${size.width} ${size.height}">${watermarkElements(watermarks, size)}</svg>`
  );
}

/**
 * An SVG page with the watermarks overlaid: the elements go last inside the root `<svg>` (so they
 * paint on top), in the root's own coordinates (its viewBox, else its width / height).
 */
export function stampSvg(svg: string, watermarks: readonly WatermarkBody[], fallback: { width: number; height: number }, scale: number): string {
  const close = svg.lastIndexOf('</svg>');
  const root = /<svg\b[^>]*>/.exec(svg)?.[0];
  if (close < 0 || !root) throw new Error('Not an SVG document');
  const viewBox = /viewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*["']/.exec(root);
  const attr = (name: string) => Number(/^([\d.]+)/.exec(new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`).exec(root)?.[1] ?? '')?.[1] ?? NaN);
  const width = viewBox ? Number(viewBox[1]) : attr('width') || fallback.width;
  const height = viewBox ? Number(viewBox[2]) : attr('height') || fallback.height;
  const units = fallback.width > 0 ? (width / fallback.width) * scale : scale;
  return `${svg.slice(0, close)}<g class="quire-watermark">${watermarkElements(watermarks, { width, height, scale: units })}</g>${svg.slice(close)}`;
}
