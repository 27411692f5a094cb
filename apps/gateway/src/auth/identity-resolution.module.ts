import { Global, Module } from '@nestjs/common';
import { IdentityResolution } from './identity-resolution';

/** One principal cache per gateway process, for the resolvers and the logout route. */
@Global()
@Module({ providers: [IdentityResolution], exports: [IdentityResolution] })
export class IdentityResolutionModule {}
