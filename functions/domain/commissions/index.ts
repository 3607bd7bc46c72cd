/**
 * The commission engine: precedence (override -> rule -> tier -> version default -> event type
 * default), the rule schema and evaluator, tiers and milestones. Pure and exact (bigint cents).
 */
export * from './types.js';
export { calculateCommission, type CalculateCommissionInput, type CommissionResult } from './calculate-commission.js';
export {
  commissionRuleSchema,
  commissionRuleConditionsSchema,
  commissionRuleActionsSchema,
  dateRangeBounds,
  type CommissionRuleConditions,
  type CommissionRuleActions,
  type CommissionRuleDefinition,
} from './commission-rule-schema.js';
export { jsonNumberToDecimal } from './json-decimal.js';
export { matchRuleConditions, type FailedCondition } from './match-rule-conditions.js';
export { selectTier } from './select-tier.js';
export { isValidAt } from './is-valid-at.js';
export {
  evaluateMilestones,
  type Milestone,
  type ReachedMilestone,
  type EvaluateMilestonesInput,
} from './evaluate-milestones.js';
