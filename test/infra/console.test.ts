/**
 * The console in the stack: a Cognito user pool nobody can sign up to (MFA, strong passwords), its
 * managed-login client for the console's callback, the console function on the same HTTP API with a JWT
 * authorizer of that pool on its API route, least-privilege table access, and the console URL given to
 * the functions that send notifications (for email links).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { removeAssemblies, synthStage } from './synth.js';

afterAll(removeAssemblies);

const { stack, template } = synthStage('dev');

describe('the console in the stack', () => {
  it('creates a user pool without self sign-up, with MFA and a strong password policy', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('has a public client for the code flow whose only callback is the console’s', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email'],
      CallbackURLs: [
        Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/console/auth/callback'])]) }),
      ],
    });
  });

  it('puts a JWT authorizer of the pool on the console API route, and the pages on the same API', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties as { RouteKey: string; AuthorizationType?: string },
    );
    expect(routes.find((r) => r.RouteKey === 'GET /console/api/fleet')?.AuthorizationType).toBe('JWT');
    for (const key of ['GET /console', 'POST /console', 'GET /console/{proxy+}', 'POST /console/{proxy+}']) {
      expect(routes.map((r) => r.RouteKey)).toContain(key);
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
  });

  it('runs the console function signing people in through the pool, with table access only', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('console$'),
      Environment: {
        Variables: Match.objectLike({
          CONSOLE_AUTH: 'cognito',
          COGNITO_CLIENT_ID: Match.anyValue(),
          COGNITO_ISSUER: Match.anyValue(),
          TABLE_NAME: Match.anyValue(),
        }),
      },
    });
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('Consoleconsole'),
    );
    const actions = policies.flatMap(([, p]) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
    );
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions)
      expect(action).toMatch(
        /^(dynamodb:(GetItem|BatchGetItem|PutItem|UpdateItem|Query)|logs:(CreateLogStream|PutLogEvents)|secretsmanager:GetSecretValue)$/,
      );
  });

  it('keeps the cookie-signing key in a generated secret that only the console function can read', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret', {
      Properties: { GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) },
    });
    const [secretId, ...others] = Object.keys(secrets);
    expect(others).toEqual([]);
    const consoleFn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).endsWith('console'),
    );
    expect(consoleFn?.Properties.Environment.Variables.CONSOLE_KEY_SECRET_ARN).toEqual({ Ref: secretId });
    // Read through AWS's Parameters and Secrets extension (a layer), not an SDK client in the bundle.
    expect(consoleFn?.Properties.Layers).toHaveLength(1);
    const readers = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes(`"${secretId}"`),
    );
    expect(readers.map(([id]) => id)).toEqual([expect.stringMatching(/^Consoleconsole/)]);
    expect(readers[0]?.[1].Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } }),
    );
    // No function role anywhere can read secrets in general.
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(/secretsmanager:\*/);
  });

  it('gives the notifying functions the console URL for email links', () => {
    const sweeper = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).endsWith('sweeper'),
    );
    expect(sweeper?.Properties.Environment.Variables.CONSOLE_URL).toBeDefined();
  });

  it('leaves cdk-nag nothing unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
  });
});
