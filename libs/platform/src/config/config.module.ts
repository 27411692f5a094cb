import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { CommonEnv, loadEnv, ServiceEnv } from './env';

/**
 * Provides the validated settings object, injectable by its own class and by the base classes it
 * extends (`CommonEnv`, `ServiceEnv`), so shared modules can ask for what they need.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<T extends CommonEnv>(cls: new () => T, settings?: T): DynamicModule {
    const value = settings ?? loadEnv(cls);
    const providers: Provider[] = [{ provide: cls, useValue: value }];
    for (const base of [CommonEnv, ServiceEnv]) {
      if (base !== cls && value instanceof base) providers.push({ provide: base, useValue: value });
    }
    return { module: ConfigModule, providers, exports: providers.map((p) => (p as { provide: unknown }).provide as never) };
  }
}
