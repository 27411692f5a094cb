import { Module } from '@nestjs/common';
import { UploadsModule } from '../../uploads/uploads.module';
import { AgentUploadController } from './agent-upload.controller';
import { ExternalEditController } from './external-edit.controller';
import { LabReportsController } from './reports.controller';
import { WordEditClient } from './word-edit.client';

/** The word-edit family's routes (mount: see Mounts['word-edit']). */
@Module({
  imports: [UploadsModule],
  // Static routes (`reports`, `templates`, `agent/…`) are registered before `:lab_report_id`.
  controllers: [LabReportsController, AgentUploadController, ExternalEditController],
  providers: [WordEditClient],
})
export class WordEditModule {}
