import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  DomainName,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnRecordSet, HostedZone } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { FALLBACK_FUNCTION, type FunctionName, PING_ROUTE, ROUTES } from '../../shared/http/routes.js';
import type { CustomDomain, StageConfig } from '../stages.js';
import { INGEST_FUNCTIONS } from './functions.js';

/** Properties of {@link Api}. */
export interface ApiProps {
  readonly config: StageConfig;
  readonly functions: Readonly<Record<FunctionName, IFunction>>;
}

/**
 * The HTTP API Loggers phone home to: the routes of shared/http/routes.ts, anything else to the fallback
 * function (404/405 in the API's error format), one throttled `$default` stage with JSON access logs.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** The routes of shared/http/routes.ts and the `$default` fallback: the Logger-facing API, no console. */
  readonly listenerRoutes: readonly HttpRoute[];
  /** The JSON access logs (one line per request, with `status` and `apiId`). */
  readonly accessLogs: LogGroup;
  /** The custom domain, when the stage has one. */
  readonly domain?: DomainName;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config, functions } = props;
    // One integration per function, shared by all its routes (fewer Lambda permissions).
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName) => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${name}Integration`, functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `phone-home-listener-${config.stage}`,
      description: `Phone Home Listener ${config.listenerName} (${config.stage})`,
      defaultIntegration: integrationFor(FALLBACK_FUNCTION),
      // The stage is created below, with throttling and access logs the default stage cannot take.
      createDefaultStage: false,
    });
    const routes: HttpRoute[] = [
      // Ping URLs hold their secret in the path: the access log below records the route key, not the path.
      ...this.httpApi.addRoutes({
        path: PING_ROUTE.path,
        methods: PING_ROUTE.methods.map((method) => HttpMethod[method]),
        integration: integrationFor(PING_ROUTE.function),
      }),
    ];
    for (const route of ROUTES) {
      routes.push(
        ...this.httpApi.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration: integrationFor(route.function),
        }),
      );
    }

    if (config.customDomain) this.domain = this.customDomain(config.customDomain);

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.accessLogs = accessLogs;
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttling.rateLimit, burstLimit: config.throttling.burstLimit },
      ...(this.domain ? { domainMapping: { domainName: this.domain } } : {}),
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            apiId: '$context.apiId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.throttleRoutes(config, routes);
    this.listenerRoutes = [...routes, this.httpApi.node.findChild('DefaultRoute') as HttpRoute];
  }

  /**
   * The API's own hostname (a stage's, or one side's of a pair): Loggers keep it when the API behind it is
   * replaced. The certificate is the one given, or requested here in the stack's region and validated by
   * DNS (in the hosted zone when given, which then also gets the alias record).
   */
  private customDomain(domain: CustomDomain): DomainName {
    const zone = domain.hostedZoneId
      ? HostedZone.fromHostedZoneId(this, 'Zone', domain.hostedZoneId)
      : undefined;
    const certificate: ICertificate = domain.certificateArn
      ? Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn)
      : new Certificate(this, 'Certificate', {
          domainName: domain.name,
          validation: CertificateValidation.fromDns(zone),
        });
    const name = new DomainName(this, 'Domain', { domainName: domain.name, certificate });
    if (zone) {
      // Raw record set: the alias needs only the zone id (the zone's name is not in the stage).
      new CfnRecordSet(this, 'Alias', {
        hostedZoneId: zone.hostedZoneId,
        name: `${domain.name}.`,
        type: 'A',
        aliasTarget: { dnsName: name.regionalDomainName, hostedZoneId: name.regionalHostedZoneId },
      });
    }
    // Point DNS here (CNAME, or a Route 53 alias to this name) when the stack does not.
    new CfnOutput(this, 'CustomDomainTarget', {
      key: 'CustomDomainTarget',
      value: name.regionalDomainName,
      description: `DNS target for ${domain.name}`,
    });
    return name;
  }

  /** Per-route throttles of the Logger routes (the L2 stage sets only the stage-wide default). */
  private throttleRoutes(config: StageConfig, routes: readonly HttpRoute[]) {
    // RouteSettings is raw JSON in CloudFormation's own casing (CDK does not convert it).
    const settings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const name of INGEST_FUNCTIONS) {
      const limits = config.throttling.routes[name];
      for (const route of ROUTES.filter((r) => r.function === name)) {
        settings[`${route.method} ${route.path}`] = {
          ThrottlingRateLimit: limits.rateLimit,
          ThrottlingBurstLimit: limits.burstLimit,
        };
      }
    }
    (this.stage.node.defaultChild as CfnStage).routeSettings = settings;
    // Route settings name routes by key: the routes must exist before the stage refers to them.
    for (const route of routes) this.stage.node.addDependency(route);
  }

  /** The API's base URL, without a trailing slash: clients append `/v1/heartbeat`. */
  get url(): string {
    return this.domain ? `https://${this.domain.name}` : this.httpApi.apiEndpoint;
  }
}
