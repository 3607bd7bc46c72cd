#!/usr/bin/env node
/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy --all`. The stage configuration comes from
 * cdk.json context (and `-c key=value`) and is validated before any stack is built.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig, StageConfigError } from '../lib/stage-config.js';
import { createPlatformStacks } from '../lib/stacks/platform.js';

const app = new App();

let config;
try {
  config = loadStageConfig((key) => app.node.tryGetContext(key));
} catch (error) {
  if (error instanceof StageConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

// With credentials the CLI fills these in; without them (CI, a fresh clone) the stacks are
// environment-agnostic, which synthesises fine and deploys to whatever account the CLI targets.
const account = process.env.CDK_DEPLOY_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEPLOY_REGION ?? process.env.CDK_DEFAULT_REGION;
createPlatformStacks(app, config, account || region ? { account, region } : undefined);

// cdk-nag v3 is a policy-validation plugin: any unacknowledged AwsSolutions finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
