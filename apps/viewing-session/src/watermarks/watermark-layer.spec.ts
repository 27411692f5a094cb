import sharp from 'sharp';
import { SPEC_TEXT_WATERMARK } from '../../test/support/spec-watermark';
import { stampSvg, watermarkLayerSvg } from './watermark-layer';
import { stampRaster } from './watermarked-images';

async function whitePage(width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const page = sharp({ create: { width, height, channels: 3, background: '#ffffff' } });
  return format === 'png' ? page.png().toBuffer() : page.jpeg().toBuffer();
}

/** Pixels whose red clearly dominates (the stamp is red on white) in a region. */
async function reddish(image: Buffer, region: { left: number; top: number; width: number; height: number }): Promise<number> {
  const { data, info } = await sharp(image).extract(region).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 180 && data[i + 1]! < 170 && data[i + 2]! < 170) count++;
  return count;
}

describe('watermarks', () => {
  it('stamps the spec example on a page, bottom right, and nowhere else', async () => {
    const stamped = await stampRaster(await whitePage(816, 1056, 'png'), [SPEC_TEXT_WATERMARK], 1, 'png');
    const meta = await sharp(stamped).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([816, 1056, 'png']);
    expect(await reddish(stamped, { left: 408, top: 800, width: 408, height: 256 })).toBeGreaterThan(200);
    expect(await reddish(stamped, { left: 0, top: 0, width: 408, height: 528 })).toBe(0);
  });

  it('stamps a 160x160 jpeg thumbnail too (text scaled, never below 6 px)', async () => {
    const stamped = await stampRaster(await whitePage(124, 160, 'jpeg'), [{ ...SPEC_TEXT_WATERMARK, verticalAlign: 'center', horizontalAlign: 'center' }], 124 / 816, 'jpg');
    expect((await sharp(stamped).metadata()).format).toBe('jpeg');
    expect(await reddish(stamped, { left: 0, top: 40, width: 124, height: 80 })).toBeGreaterThan(20);
  });

  it('overlays SVG pages inside the root element, in its viewBox units, escaping the text', () => {
    const page = '<svg xmlns="http://www.w3.org/2000/svg" width="612pt" height="792pt" viewBox="0 0 612 792"><path d="M0 0"/></svg>';
    const out = stampSvg(page, [{ ...SPEC_TEXT_WATERMARK, text: 'a<b>&c' }], { width: 816, height: 1056 }, 1);
    expect(out).toMatch(/<path d="M0 0"\/><g class="quire-watermark"><text .*>a&lt;b&gt;&amp;c<\/tspan><\/text><\/g><\/svg>$/);
    // 16pt at 96 dpi is 21.33 px; in a 612-unit-wide viewBox of an 816-px page that is 16 units.
    expect(out).toContain('font-size="16.00"');
  });

  it('keeps line breaks as lines and honours alignment', () => {
    const svg = watermarkLayerSvg([SPEC_TEXT_WATERMARK], { width: 800, height: 1000, scale: 1 });
    expect(svg.match(/<tspan/g)).toHaveLength(4);
    expect(svg).toContain('text-anchor="end"');
    expect(svg).toContain('fill="red" fill-opacity="0.6"');
  });
});
