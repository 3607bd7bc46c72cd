import type { ConversionAttribution } from './allocate-commission.js';
import { attributeConversion, type AttributeConversionInput } from './attribute-conversion.js';
import { attributionModels, type AttributionModel } from './types.js';

/**
 * The same journey and commission under every model, for the attribution report ("what each
 * partner would earn under each model"). Sum `partners[].commissionCents` per model across
 * conversions to build the report.
 */
export function evaluateAllModels(
  input: Omit<AttributeConversionInput, 'model'>,
): Record<AttributionModel, ConversionAttribution> {
  const result = {} as Record<AttributionModel, ConversionAttribution>;
  for (const model of attributionModels) result[model] = attributeConversion({ ...input, model });
  return result;
}
