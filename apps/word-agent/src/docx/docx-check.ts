import yauzl from 'yauzl';

/**
 * True when the file is a complete .docx: a readable zip (central directory at the end, so a
 * half-written file fails) with `word/document.xml`.
 */
export function isCompleteDocx(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return resolve(false);
      let found = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName === 'word/document.xml') {
          found = true;
          zip.close();
          return resolve(true);
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve(found));
      zip.on('error', () => resolve(false));
      zip.readEntry();
    });
  });
}
