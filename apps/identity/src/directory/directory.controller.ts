import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppPropsView,
  AuthDomainView,
  CreateTeamBody,
  InstituteByNameRequest,
  InstituteView,
  LocaleSettingsView,
  Principal,
  PublicAccountRequest,
  RoleView,
  Subjects,
  TeamIdRequest,
  TeamMemberRequest,
  TeamView,
  UserView,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { DirectoryService } from './directory.service';
import { PublicDirectoryService } from './public-directory.service';

@Controller()
export class DirectoryController {
  constructor(
    private readonly directory: DirectoryService,
    private readonly publicDirectory: PublicDirectoryService,
  ) {}

  @MessagePattern(Subjects.Identity.listRoles)
  roles(@RpcPrincipal() principal: Principal): Promise<RoleView[]> {
    return this.directory.roles(principal);
  }

  @MessagePattern(Subjects.Identity.listTeams)
  teams(@RpcPrincipal() principal: Principal): Promise<TeamView[]> {
    return this.directory.teams(principal);
  }

  @MessagePattern(Subjects.Identity.createTeam)
  createTeam(@Payload() body: CreateTeamBody, @RpcPrincipal() principal: Principal): Promise<TeamView> {
    return this.directory.createTeam(principal, body);
  }

  @MessagePattern(Subjects.Identity.listTeamMembers)
  members(@Payload() request: TeamIdRequest, @RpcPrincipal() principal: Principal): Promise<UserView[]> {
    return this.directory.members(principal, request.teamId);
  }

  @MessagePattern(Subjects.Identity.addTeamMember)
  addMember(@Payload() request: TeamMemberRequest, @RpcPrincipal() principal: Principal): Promise<UserView[]> {
    return this.directory.addMember(principal, request);
  }

  @MessagePattern(Subjects.Identity.removeTeamMember)
  removeMember(@Payload() request: TeamMemberRequest, @RpcPrincipal() principal: Principal): Promise<UserView[]> {
    return this.directory.removeMember(principal, request);
  }

  @MessagePattern(Subjects.Identity.listInstitutes)
  institutes(@Payload() request: PublicAccountRequest): Promise<InstituteView[]> {
    return this.publicDirectory.institutes(request.accountCode);
  }

  @MessagePattern(Subjects.Identity.getInstituteByName)
  instituteByName(@Payload() request: InstituteByNameRequest): Promise<InstituteView> {
    return this.publicDirectory.instituteByName(request.accountCode, request.name);
  }

  @MessagePattern(Subjects.Identity.listAuthDomains)
  authDomains(@Payload() request: PublicAccountRequest): Promise<AuthDomainView[]> {
    return this.publicDirectory.authDomains(request.accountCode);
  }

  @MessagePattern(Subjects.Identity.localeSettings)
  locale(@Payload() request: PublicAccountRequest): Promise<LocaleSettingsView> {
    return this.publicDirectory.locale(request.accountCode);
  }

  @MessagePattern(Subjects.Identity.appProps)
  appProps(): AppPropsView {
    return this.publicDirectory.appProps();
  }
}
