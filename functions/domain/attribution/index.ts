/**
 * Attribution: which clicks of a journey earn a conversion, with what share, and how its
 * commission splits into touches (largest remainder: touch values sum exactly to the
 * commission). Pure: time comes in as `conversionAt`.
 */
export * from './types.js';
export { attributeJourney, DEFAULT_COOKIE_WINDOW_DAYS, EXPLICIT_CLICK_SKEW_MS, type AttributeJourneyInput, type JourneyAttribution } from './attribute-journey.js';
export { allocateCommission, type ConversionAttribution } from './allocate-commission.js';
export { attributeConversion, type AttributeConversionInput } from './attribute-conversion.js';
export { evaluateAllModels } from './evaluate-all-models.js';
export { confidenceForBinding } from './confidence-for-binding.js';
export { modelWeights } from './model-weights.js';
export { WEIGHT_SCALE, twoToMinusRatio, integerSqrt } from './fixed-point.js';
