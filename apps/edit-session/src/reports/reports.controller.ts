import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateLabReportRequest,
  CreateTemplateRequest,
  EditSessionSubjects,
  LabReportReply,
  ListRequest,
  Principal,
  TemplateReply,
  UploadReservation,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { CommitTemplateUploadUseCase } from '../templates/commit-template-upload.use-case';
import { ReserveTemplateUploadUseCase } from '../templates/reserve-template-upload.use-case';
import { TemplatesService } from '../templates/templates.service';
import { ReportsService } from './reports.service';

@Controller()
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly templates: TemplatesService,
    private readonly reserveTemplate: ReserveTemplateUploadUseCase,
    private readonly commitTemplate: CommitTemplateUploadUseCase,
  ) {}

  @MessagePattern(EditSessionSubjects.createReport)
  createReport(@Payload() request: CreateLabReportRequest, @RpcPrincipal() principal: Principal): Promise<LabReportReply> {
    return this.reports.create(principal, request);
  }

  @MessagePattern(EditSessionSubjects.listReports)
  listReports(@Payload() request: ListRequest, @RpcPrincipal() principal: Principal): Promise<LabReportReply[]> {
    return this.reports.list(principal, request);
  }

  @MessagePattern(EditSessionSubjects.reserveTemplateUpload)
  reserveTemplateUpload(@RpcPrincipal() principal: Principal): Promise<UploadReservation> {
    return this.reserveTemplate.execute(principal);
  }

  @MessagePattern(EditSessionSubjects.createTemplate)
  createTemplate(@Payload() request: CreateTemplateRequest, @RpcPrincipal() principal: Principal): Promise<TemplateReply> {
    return this.commitTemplate.execute(principal, request);
  }

  @MessagePattern(EditSessionSubjects.listTemplates)
  listTemplates(@Payload() request: ListRequest, @RpcPrincipal() principal: Principal): Promise<TemplateReply[]> {
    return this.templates.list(principal, request);
  }
}
