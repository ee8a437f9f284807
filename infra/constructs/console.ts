import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CONSOLE_PATH } from '../../shared/console/routes.js';
import type { StageConfig } from '../stages.js';
import { functionCode, HANDLER } from './bundle.js';
import { secretsExtension } from './channels.js';
import { METRICS_NAMESPACE, serviceName } from './functions.js';
import type { Store } from './store.js';

/** Properties of {@link Console}. */
export interface ConsoleProps {
  readonly config: StageConfig;
  readonly store: Store;
  readonly httpApi: HttpApi;
  /** The API's base URL (its custom domain when the stage has one). */
  readonly apiUrl: string;
}

/** The console's JSON fleet route for tools, behind the user pool's JWT authorizer (Bearer access token). */
export const CONSOLE_API_PATH = `${CONSOLE_PATH}/api/fleet`;

/**
 * The on-call web console on the Listener's HTTP API: a Cognito user pool (no self sign-up; admins are
 * added with `aws cognito-idp admin-create-user`, docs/console.md) with its managed login, the console
 * function serving `/console/…`, and a JWT authorizer of that pool on the console's API route. Pages
 * authenticate with the console's own session cookie, set after the managed login's code exchange.
 */
export class Console extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  readonly fn: LambdaFunction;
  /** The cookie-signing key (sessions, CSRF, sign-in links): only the console function reads it. */
  readonly key: Secret;
  /** The console's base URL (for email links). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const { config, store, httpApi } = props;
    const retain = config.removalPolicy === 'retain';
    this.url = `${props.apiUrl}${CONSOLE_PATH}`;

    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `phone-home-console-${config.stage}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection (compromised credentials, risky sign-ins) for the few on-call accounts.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      deletionProtection: retain,
    });
    this.domain = this.userPool.addDomain('Login', {
      cognitoDomain: { domainPrefix: `phone-home-${config.stage}-${Aws.ACCOUNT_ID}` },
    });
    this.client = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      preventUserExistenceErrors: true,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [`${this.url}/auth/callback`],
        logoutUrls: [`${this.url}/sign-in`],
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
    });

    this.fn = this.createFunction(config);
    this.key = new Secret(this, 'CookieKey', {
      description: `Phone Home Listener ${config.stage}: the console's cookie-signing key (read by the console function only)`,
      // 64 letters and digits (~380 bits): an HMAC key, never typed by anyone.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Sessions die with it: a new key only signs everyone out, so nothing is worth keeping.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.key).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'An HMAC key for 12-hour console sessions, not a credential to another system: rotating it only signs ' +
        'everyone out. To replace it (suspected leak): put a new value (docs/console.md).',
    });
    useConsoleKey(this.fn, this.key);
    this.fn.addEnvironment('TABLE_NAME', store.table.tableName);
    // Reads the fleet (the fleet index, batch reads), Logger items, events and the audit record; writes
    // transitions, audit lines, used-link markers and (once) the acknowledge-link key.
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
        ],
        resources: [store.table.tableArn],
      }),
    );
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${store.table.tableArn}/index/fleet`],
      }),
    );
    this.addRoutes(httpApi);
  }

  private createFunction(config: StageConfig): LambdaFunction {
    const logGroup = new LogGroup(this, 'consoleLogs', {
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Its own role (not AWSLambdaBasicExecutionRole): logs to its own log group only.
    const role = new Role(this, 'consoleRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Phone Home Listener ${config.stage}: console function`,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    return new LambdaFunction(this, 'console', {
      role,
      code: functionCode('functions/console/handler.ts'),
      handler: HANDLER,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(15),
      logGroup,
      description: `Phone Home Listener ${config.stage}: console`,
      // AWS's Parameters and Secrets extension reads (and caches) the cookie key: no SDK client in the bundle.
      paramsAndSecrets: secretsExtension(),
      environment: {
        LISTENER_NAME: config.listenerName,
        EVENT_RETENTION: config.eventRetention,
        RENOTIFY_EVERY: config.renotifyEvery,
        CONSOLE_AUTH: 'cognito',
        COGNITO_DOMAIN: `${this.domain.domainName}.auth.${Aws.REGION}.amazoncognito.com`,
        COGNITO_CLIENT_ID: this.client.userPoolClientId,
        COGNITO_ISSUER: `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`,
        POWERTOOLS_SERVICE_NAME: serviceName(config.stage),
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
    });
  }

  private addRoutes(httpApi: HttpApi) {
    const integration = new HttpLambdaIntegration('consoleIntegration', this.fn);
    // Pages, forms, sign-in and assets: the function checks the session cookie (no data without one).
    for (const path of [CONSOLE_PATH, `${CONSOLE_PATH}/{proxy+}`]) {
      for (const route of httpApi.addRoutes({
        path,
        methods: [HttpMethod.GET, HttpMethod.POST],
        integration,
      })) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Browser pages: the console function requires a signed session cookie from the Cognito managed login ' +
            'for every page and action (redirect to sign-in otherwise); only sign-in, the static assets and the ' +
            'emailed one-time acknowledge links (signed, CSRF-bound) answer without one (shared/console/app.ts).',
        });
      }
    }
    // Tools: the user pool's JWT (never a Logger token) before the function runs.
    httpApi.addRoutes({
      path: CONSOLE_API_PATH,
      methods: [HttpMethod.GET],
      integration,
      authorizer: new HttpUserPoolAuthorizer('ConsoleJwt', this.userPool, {
        userPoolClients: [this.client],
        identitySource: ['$request.header.Authorization'],
      }),
    });
  }
}

/**
 * Gives `fn` the console's cookie-signing key: `CONSOLE_KEY_SECRET_ARN` and `secretsmanager:GetSecretValue`
 * on that secret only (what the extension calls with the function's role). Env var and grant together.
 */
export function useConsoleKey(fn: LambdaFunction, secret: Secret) {
  fn.addEnvironment('CONSOLE_KEY_SECRET_ARN', secret.secretArn);
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
}
