import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'quire:public';

/** Opts a route out of authentication. Every other route needs a principal. */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC, true);
