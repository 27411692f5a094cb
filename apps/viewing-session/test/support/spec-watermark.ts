import { WatermarkBody } from '@quire/contracts';

/** The text watermark of the viewing spec's own example (a user, an address, a time, a notice). */
export const SPEC_TEXT_WATERMARK: WatermarkBody = {
  type: 'text',
  opacity: 0.6,
  text: 'jdoe\n67.79.169.114\n11/13/2014 2:24 PM\nNOT FOR DISTRIBUTION',
  color: 'red',
  fontFamily: 'Consolas',
  fontSize: '16pt',
  fontWeight: 'bold',
  verticalAlign: 'bottom',
  horizontalAlign: 'right',
};
