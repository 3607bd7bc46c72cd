/**
 * The web app's mail and sign-in settings in the templates: an SES identity for the stage's
 * mail domain, `ses:SendEmail` on it for the management API and for no other function, and
 * MAIL_FROM, APP_BASE_URL and OPERATOR_EMAILS on the management API.
 */
import { describe, expect, it } from 'vitest';
import { envVars } from '../../../lib/resources.js';
import { loadStageConfig } from '../../../lib/stage-config.js';
import { cdkContext, functionNamed, grants, statementsOfRole, synthPlatform } from './platform-fixture.js';

describe('web app mail (SES) and sign-in settings', () => {
  const { config, templates } = synthPlatform({ mailDomain: 'mail.example.com', operatorEmails: 'ops@example.com,cto@example.com', appBaseUrl: 'https://app.example.com' });
  const api = templates.api;

  it('creates the SES identity of the mail domain and lets only the management API send from it', () => {
    api.resourceCountIs('AWS::SES::EmailIdentity', 1);
    api.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.example.com' });
    const managementApi = functionNamed(api, `${config.stage}-managementApi`);
    const sesGrants = grants(statementsOfRole(api, managementApi.roleLogicalId)).filter((grant) => grant.startsWith('ses:'));
    expect(sesGrants).toEqual(['ses:SendEmail on MailIdentity']);
    for (const [stackName, template] of Object.entries(templates)) {
      for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
        const text = JSON.stringify(policy.Properties.PolicyDocument);
        if (stackName === 'api' && JSON.stringify(policy.Properties.Roles).includes(managementApi.roleLogicalId)) continue;
        expect(text, `${stackName}`).not.toMatch(/"ses:/);
      }
    }
  });

  it('sets MAIL_FROM, APP_BASE_URL and OPERATOR_EMAILS on the management API only', () => {
    const managementApi = functionNamed(api, `${config.stage}-managementApi`);
    expect(managementApi.properties.Environment.Variables).toMatchObject({
      [envVars.mailFrom]: 'no-reply@mail.example.com',
      [envVars.appBaseUrl]: 'https://app.example.com',
      [envVars.operatorEmails]: 'ops@example.com,cto@example.com',
    });
    const redirect = functionNamed(api, `${config.stage}-redirect`);
    expect(Object.keys(redirect.properties.Environment.Variables)).not.toContain(envVars.mailFrom);
  });

  it('without a mail domain: no identity, no MAIL_FROM (no sign-in mail), and the app base defaults to the API URL', () => {
    const bare = synthPlatform().templates.api;
    bare.resourceCountIs('AWS::SES::EmailIdentity', 0);
    const variables = functionNamed(bare, `${config.stage}-managementApi`).properties.Environment.Variables as Record<string, unknown>;
    expect(Object.keys(variables)).not.toContain(envVars.mailFrom);
    expect(JSON.stringify(variables[envVars.appBaseUrl])).toContain('execute-api');
  });

  it('validates the settings', () => {
    const load = (extra: Record<string, unknown>) => loadStageConfig((key) => ({ ...cdkContext, ...extra })[key]);
    expect(() => load({ mailFrom: 'x@other.example' })).toThrow(/mailFrom: needs mailDomain/);
    expect(() => load({ mailDomain: 'mail.example.com', mailFrom: 'x@other.example' })).toThrow(/mailFrom: must be an address of mailDomain/);
    expect(() => load({ operatorEmails: 'ops@example.com, nope' })).toThrow(/operatorEmails: must be comma-separated e-mail addresses/);
    expect(() => load({ appBaseUrl: 'http://app.example.com' })).toThrow(/appBaseUrl: must be an https origin/);
    expect(load({ mailDomain: 'mail.example.com', mailFrom: 'hello@mail.example.com' }).mailFrom).toBe('hello@mail.example.com');
  });
});
