import { parseBboxLayout } from './text-layout';

describe('parseBboxLayout', () => {
  it('reads pages and words with positions, scaled, entities decoded', () => {
    const xhtml = `<html><body><doc>
<page width="612.000000" height="792.000000">
  <flow><block xMin="72" yMin="72" xMax="200" yMax="90"><line xMin="72" yMin="72" xMax="200" yMax="90">
    <word xMin="72.000000" yMin="72.000000" xMax="100.500000" yMax="84.000000">Hello</word>
    <word xMin="104.000000" yMin="72.000000" xMax="130.000000" yMax="84.000000">A&amp;B</word>
  </line></block></flow>
</page>
<page width="612.000000" height="792.000000">
</page>
</doc></body></html>`;
    const pages = parseBboxLayout(xhtml, 96 / 72);
    expect(pages).toHaveLength(2);
    expect(pages[0]).toMatchObject({ page: 0, width: 816, height: 1056 });
    expect(pages[0]!.words).toEqual([
      { text: 'Hello', x: 96, y: 96, width: 38, height: 16 },
      { text: 'A&B', x: 138.67, y: 96, width: 34.67, height: 16 },
    ]);
    expect(pages[1]!.words).toEqual([]);
  });
});
