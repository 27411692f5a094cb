/** Turns a .docx into a PDF; implementations run one conversion at a time. */
export interface PdfConverter {
  readonly kind: 'warm' | 'cold';
  convert(docxPath: string, pdfPath: string): Promise<void>;
  close(): Promise<void>;
}

export class ConversionError extends Error {}

/** Runs tasks one after the other (LibreOffice converts one document at a time anyway). */
export class SerialRunner {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
