import path from 'node:path';
import { AgentSettings } from '../config/agent-config';
import { AgentLog } from '../logging/agent-log';
import { ColdConverter } from './cold-converter';
import { PdfConverter } from './pdf-converter';
import { WarmConverter } from './warm-converter';

/** Warm first; a document the warm converter fails on is converted cold, so a save is never lost to it. */
class WarmWithColdFallback implements PdfConverter {
  readonly kind = 'warm' as const;
  private failuresInARow = 0;

  constructor(
    private readonly warm: WarmConverter,
    private readonly cold: ColdConverter,
    private readonly log: AgentLog,
  ) {}

  async convert(docxPath: string, pdfPath: string): Promise<void> {
    // Two failures in a row (no Python UNO, a broken install): stop paying for warm attempts.
    if (this.failuresInARow < 2) {
      try {
        await this.warm.convert(docxPath, pdfPath);
        this.failuresInARow = 0;
        return;
      } catch (error) {
        this.failuresInARow++;
        this.log.warn('warm conversion failed; converting cold', { error: (error as Error).message });
      }
    }
    await this.cold.convert(docxPath, pdfPath);
  }

  async close(): Promise<void> {
    await Promise.all([this.warm.close(), this.cold.close()]);
  }
}

export function createConverter(settings: AgentSettings, log: AgentLog): PdfConverter {
  const profiles = path.join(settings.stateDir, 'libreoffice');
  // One profile per agent process: two LibreOffice instances must never share a profile.
  const cold = new ColdConverter(settings.sofficePath, path.join(profiles, `cold-${process.pid}`), settings.convertTimeoutMs);
  if (settings.converter === 'cold') return cold;
  const warm = new WarmConverter(settings.sofficePath, settings.pythonPath, path.join(profiles, `warm-${process.pid}`), settings.convertTimeoutMs);
  // Start now so that the first save does not pay for LibreOffice starting.
  warm.start().catch((error: Error) => log.warn('warm LibreOffice unavailable; will convert cold', { error: error.message }));
  return new WarmWithColdFallback(warm, cold, log);
}
