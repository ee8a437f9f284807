/**
 * Local receivers speaking each channel's wire protocol, for tests: PagerDuty Events v2, Opsgenie's Alert
 * API, a Slack and a Teams webhook, a Standard Webhooks receiver (signature checked against the `standardwebhooks`
 * library's) and Alertmanager's `POST /api/v2/alerts`. Each checks the request fields its vendor documents as
 * required (a missing one is answered 400, as the vendor would) and keeps incidents as the vendor does:
 * a trigger for an open key is merged, a resolve for an unknown key is dropped. Faults are scripted per
 * receiver: the next requests answer a status (with `Retry-After`), or hang — processed, then never
 * answered until the sender gives up and closes the connection (the ambiguous failure: delivered, but the
 * sender timed out). A hang lasts exactly as long as the sender waits, so no test races a timer against it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type Receiver = 'pagerduty' | 'opsgenie' | 'slack' | 'teams' | 'webhook' | 'alertmanager';
export type Fault = { status: number; retryAfter?: string } | { hang: true };

/** One incident (PagerDuty alert, Opsgenie alert, Alertmanager alert) as its tool keeps it. */
export interface Incident {
  opened: number;
  resolved: number;
  open: boolean;
  /** Repeats merged into the incident: a trigger while open (retries, reminders, blind pages), a resolve once resolved. */
  merged: number;
  /** Acknowledgements of the open incident (PagerDuty `acknowledge`, Opsgenie acknowledge by alias). */
  acknowledged?: number;
}

export interface ChannelStubs {
  readonly url: (receiver: Receiver) => string;
  /** Incidents by key (dedup_key, alias, Alertmanager label set), per receiver. */
  readonly incidents: Record<'pagerduty' | 'opsgenie' | 'alertmanager', Map<string, Incident>>;
  /** Acknowledgements for keys the tool had no open incident of (dropped, as the tools drop them). */
  readonly unknownAcks: Record<'pagerduty' | 'opsgenie', string[]>;
  /** Resolves (closes) for keys the tool never saw: each would leave its later trigger open forever. */
  readonly unknownResolves: Record<'pagerduty' | 'opsgenie', string[]>;
  /** Chat messages (Slack, Teams): their text, in arrival order. */
  readonly messages: Record<'slack' | 'teams', string[]>;
  /** Signed webhooks that verified, by webhook-id; `repeats` counts ids received again (dropped by the receiver). */
  readonly webhooks: { ids: string[]; repeats: number; bodies: unknown[] };
  /** Requests each receiver received, faults included. */
  readonly requests: Record<Receiver, number>;
  /** Requests whose sender gave up (closed the connection) before the receiver answered: the hangs. */
  readonly abandoned: Record<Receiver, number>;
  /** Requests received and not answered yet (hanging now). */
  readonly hanging: () => number;
  fail(receiver: Receiver, ...faults: Fault[]): void;
  close(): Promise<void>;
}

export const WEBHOOK_SECRET = `whsec_${Buffer.from('phone home test secret 32 bytes!').toString('base64')}`;

/** `now`: the clock Alertmanager's stub judges `endsAt` by (a test's injected clock). */
export async function startChannelStubs(now: () => number = Date.now): Promise<ChannelStubs> {
  const faults: Record<Receiver, Fault[]> = {
    pagerduty: [],
    opsgenie: [],
    slack: [],
    teams: [],
    webhook: [],
    alertmanager: [],
  };
  const requests: Record<Receiver, number> = {
    pagerduty: 0,
    opsgenie: 0,
    slack: 0,
    teams: 0,
    webhook: 0,
    alertmanager: 0,
  };
  const abandoned: Record<Receiver, number> = { ...requests };
  let hanging = 0;
  const incidents = {
    pagerduty: new Map<string, Incident>(),
    opsgenie: new Map<string, Incident>(),
    alertmanager: new Map<string, Incident>(),
  };
  const unknownResolves = { pagerduty: [] as string[], opsgenie: [] as string[] };
  const unknownAcks = { pagerduty: [] as string[], opsgenie: [] as string[] };
  const acknowledge = (map: Map<string, Incident>, key: string, unknown: string[]) => {
    const incident = map.get(key);
    if (!incident?.open) return void unknown.push(key);
    incident.acknowledged = (incident.acknowledged ?? 0) + 1;
  };
  const messages = { slack: [] as string[], teams: [] as string[] };
  const webhooks = { ids: [] as string[], repeats: 0, bodies: [] as unknown[] };
  const verifier = new Webhook(WEBHOOK_SECRET);

  const trigger = (map: Map<string, Incident>, key: string) => {
    const incident = map.get(key);
    if (incident?.open) incident.merged++;
    else if (incident) Object.assign(incident, { open: true, opened: incident.opened + 1 });
    else map.set(key, { opened: 1, resolved: 0, open: true, merged: 0 });
  };
  const resolve = (map: Map<string, Incident>, key: string, unknown?: string[]) => {
    const incident = map.get(key);
    if (!incident) return unknown?.push(key);
    // A repeat after an ambiguous failure: the tool drops it by its key.
    if (!incident.open) return void incident.merged++;
    Object.assign(incident, { open: false, resolved: incident.resolved + 1 });
  };

  /** Handles a well-formed request; returns the answer, or a 400 message for a missing required field. */
  const handle = (receiver: Receiver, req: IncomingMessage, text: string): [number, string] => {
    // biome-ignore lint/suspicious/noExplicitAny: a receiver reads whatever JSON arrived
    const body = JSON.parse(text) as Record<string, any>;
    switch (receiver) {
      case 'pagerduty': {
        const { routing_key, event_action, dedup_key, payload } = body;
        if (typeof routing_key !== 'string' || routing_key.length !== 32) return [400, 'Invalid routing key'];
        if (!['trigger', 'acknowledge', 'resolve'].includes(event_action))
          return [400, 'Invalid event_action'];
        if (event_action !== 'trigger' && !dedup_key) return [400, 'dedup_key is required'];
        if (event_action === 'trigger') {
          const ok =
            payload &&
            typeof payload.summary === 'string' &&
            typeof payload.source === 'string' &&
            ['critical', 'error', 'warning', 'info'].includes(payload.severity);
          if (!ok) return [400, 'payload.summary, payload.source and payload.severity are required'];
          trigger(incidents.pagerduty, dedup_key);
        }
        if (event_action === 'resolve') resolve(incidents.pagerduty, dedup_key, unknownResolves.pagerduty);
        if (event_action === 'acknowledge')
          acknowledge(incidents.pagerduty, dedup_key, unknownAcks.pagerduty);
        return [202, JSON.stringify({ status: 'success', message: 'Event processed', dedup_key })];
      }
      case 'opsgenie': {
        if (!/^GenieKey \S+$/.test(String(req.headers.authorization))) return [401, 'Could not authenticate'];
        const close = /^\/opsgenie\/v2\/alerts\/([^/?]+)\/close\?identifierType=alias$/.exec(req.url ?? '');
        const ack = /^\/opsgenie\/v2\/alerts\/([^/?]+)\/acknowledge\?identifierType=alias$/.exec(
          req.url ?? '',
        );
        if (close?.[1]) resolve(incidents.opsgenie, decodeURIComponent(close[1]), unknownResolves.opsgenie);
        else if (ack?.[1]) acknowledge(incidents.opsgenie, decodeURIComponent(ack[1]), unknownAcks.opsgenie);
        else if (req.url === '/opsgenie/v2/alerts') {
          if (typeof body.message !== 'string' || body.message.length > 130)
            return [422, 'message is required (≤ 130)'];
          if (typeof body.alias !== 'string') return [422, 'alias expected'];
          trigger(incidents.opsgenie, body.alias);
        } else return [404, 'no such endpoint'];
        return [202, JSON.stringify({ result: 'Request will be processed', requestId: 'r' })];
      }
      case 'slack': {
        if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return [400, 'invalid_payload'];
        messages.slack.push(String(body.text));
        return [200, 'ok'];
      }
      case 'teams': {
        const card = body.attachments?.[0];
        if (
          body.type !== 'message' ||
          card?.contentType !== 'application/vnd.microsoft.card.adaptive' ||
          card.content?.type !== 'AdaptiveCard'
        ) {
          return [400, 'an Adaptive Card attachment is required'];
        }
        messages.teams.push(String(card.content.body?.[1]?.text));
        return [202, ''];
      }
      case 'webhook': {
        // The library's own signature for these headers and body (its verify() would also refuse a
        // timestamp off the real clock by 5 minutes, and the tests run on an injected clock).
        const id = String(req.headers['webhook-id']);
        const timestamp = Number(req.headers['webhook-timestamp']);
        const expected = verifier.sign(id, new Date(timestamp * 1000), text);
        const given = String(req.headers['webhook-signature']).split(' ');
        if (!Number.isInteger(timestamp) || !given.includes(expected)) return [401, 'bad signature'];
        if (webhooks.ids.includes(id)) webhooks.repeats++;
        else webhooks.ids.push(id);
        webhooks.bodies.push(JSON.parse(text));
        return [204, ''];
      }
      case 'alertmanager': {
        if (!Array.isArray(body)) return [400, 'an array of alerts is required'];
        for (const alert of body as { labels: Record<string, string>; endsAt?: string }[]) {
          if (!alert.labels?.alertname) return [400, 'labels.alertname is required'];
          const key = JSON.stringify(alert.labels);
          if (alert.endsAt && Date.parse(alert.endsAt) <= now()) resolve(incidents.alertmanager, key);
          else trigger(incidents.alertmanager, key);
        }
        return [200, ''];
      }
    }
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const receiver = (req.url ?? '').split('/')[1] as Receiver;
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', () => {
      if (!(receiver in requests)) return void res.writeHead(404).end();
      requests[receiver]++;
      const fault = faults[receiver].shift();
      if (fault && 'status' in fault) {
        return void res
          .writeHead(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {})
          .end('fault');
      }
      const [status, answer] = handle(receiver, req, text);
      if (!fault) return void res.writeHead(status).end(answer);
      // Processed, never answered: the sender's timeout ends the request, and the stub counts it.
      hanging++;
      res.on('close', () => {
        hanging--;
        abandoned[receiver]++;
      });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: (receiver) =>
      receiver === 'pagerduty'
        ? `http://127.0.0.1:${port}/pagerduty/v2/enqueue`
        : `http://127.0.0.1:${port}/${receiver}`,
    incidents,
    unknownResolves,
    unknownAcks,
    messages,
    webhooks,
    requests,
    abandoned,
    hanging: () => hanging,
    fail: (receiver, ...more) => faults[receiver].push(...more),
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
