/**
 * Builds the whole CDK app once per test file, as bin/app.ts does (cdk.json context, the same
 * createPlatformStacks), with bundling skipped: templates do not depend on bundle contents and
 * esbuild for every function would make each file take a minute.
 */
import { readFileSync } from 'node:fs';
import { App, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadStageConfig, type StageConfig } from '../../../lib/stage-config.js';
import { createPlatformStacks, type PlatformStacks } from '../../../lib/stacks/platform.js';

export const cdkContext = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

export interface SynthesisedPlatform {
  app: App;
  config: StageConfig;
  stacks: PlatformStacks;
  templates: Record<keyof PlatformStacks, Template>;
}

/** `env`: an account and region known at synth (as `cdk deploy` with credentials), else environment-agnostic. */
export function synthPlatform(context: Record<string, unknown> = {}, env?: Environment): SynthesisedPlatform {
  // The built-in CloudFormation schema validation (a WASM engine, ~20 s per synth here) is left to
  // `cdk synth`; these tests assert the templates themselves and run cdk-nag explicitly.
  process.env.CDK_VALIDATION = 'false';
  const app = new App({ context: { ...cdkContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  const config = loadStageConfig((key) => app.node.tryGetContext(key));
  const stacks = createPlatformStacks(app, config, env);
  const assembly = app.synth();
  const templates = Object.fromEntries(
    Object.entries(stacks).map(([key, stack]) => [key, Template.fromJSON(assembly.getStackByName(stack.stackName).template)]),
  ) as Record<keyof PlatformStacks, Template>;
  return { app, config, stacks, templates };
}

/** A CloudFormation resource's properties: free-form JSON, read by key in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CfnJson = Record<string, any>;

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The statements of every inline policy attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The logical id of the Lambda function with this physical name, and of its role. */
export function functionNamed(template: Template, functionName: string): { logicalId: string; roleLogicalId: string; properties: CfnJson } {
  const matches = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } }));
  if (matches.length !== 1) throw new Error(`expected one function named ${functionName}, found ${matches.length}`);
  const [logicalId, resource] = matches[0]!;
  return { logicalId, roleLogicalId: resource.Properties.Role['Fn::GetAtt'][0], properties: resource.Properties };
}

/**
 * A readable name for a policy resource: `*`, or the logical ids it references (cross-stack
 * imports name the exporting resource), e.g. `linksTable`, `clicksTable/index/by_cookie`.
 */
export function resourceLabel(resource: unknown): string {
  if (resource === '*') return '*';
  const text = JSON.stringify(resource);
  const refs = [...text.matchAll(/ExportsOutput(?:FnGetAtt|Ref)([A-Za-z]+?)[0-9A-F]{8}|"Fn::GetAtt":\["([A-Za-z]+?)[0-9A-F]{8}"|"Ref":"([A-Za-z]+?)[0-9A-F]{8}"/g)].map(
    (match) => match[1] ?? match[2] ?? match[3],
  );
  const suffix = text.match(/"(\/index\/[^"]+)"/)?.[1] ?? '';
  return `${refs.join('+')}${suffix}`;
}

/** Every (action, resource) pair the statements allow, as `action on label`, sorted. */
export function grants(statements: Statement[]): string[] {
  const pairs = new Set<string>();
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue;
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const action of actions) for (const resource of resources) pairs.add(`${action} on ${resourceLabel(resource)}`);
  }
  return [...pairs].sort();
}
