import type { ApplicationUsage } from './application-usage.js';
import { SchemaValidator } from '../schema-validator.js';

/** The application usages this server knows, by AUID, each with its compiled schema (RFC 4825 §5). */
export class UsageRegistry {
  private readonly usages = new Map<string, { readonly usage: ApplicationUsage; readonly validator: SchemaValidator | undefined }>();

  register(usage: ApplicationUsage): this {
    this.usages.set(usage.auid, { usage, validator: usage.schemas.length === 0 ? undefined : new SchemaValidator(usage.schemas) });
    return this;
  }

  get(auid: string): ApplicationUsage | undefined {
    return this.usages.get(auid)?.usage;
  }

  /** The §8.2.5 schema errors of a serialized document of the usage ([] when valid). */
  schemaErrors(auid: string, xml: string): string[] {
    return this.usages.get(auid)?.validator?.errors(xml) ?? [];
  }

  all(): ApplicationUsage[] {
    return [...this.usages.values()].map((u) => u.usage);
  }
}
