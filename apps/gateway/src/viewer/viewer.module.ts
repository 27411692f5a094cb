import { Logger, Module } from '@nestjs/common';
import { GatewayEnv } from '../gateway.env';
import { DEFAULT_VIEWER_ASSETS_DIR, ViewerAssets } from './viewer-assets';
import { ViewerController } from './viewer.controller';

/** `/viewer`: the browser viewer's page and its built assets. */
@Module({
  controllers: [ViewerController],
  providers: [
    {
      provide: ViewerAssets,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) => {
        const assets = new ViewerAssets(env.VIEWER_ASSETS_DIR ?? DEFAULT_VIEWER_ASSETS_DIR);
        if (assets.missing) new Logger('ViewerModule').warn(assets.missing);
        return assets;
      },
    },
  ],
})
export class ViewerModule {}
