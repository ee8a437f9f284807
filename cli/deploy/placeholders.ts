/**
 * Documentation placeholders in a stage: the `example.com` addresses and the UK drama range
 * (+44 7700 900000–900999) of stages.example.json reach nobody, so a deploy with them pages no one.
 */
import type { StageConfig } from '../../infra/stages.js';
import type { Finding } from './finding.js';

/** example.com, .net, .org and their subdomains (RFC 2606), as an address domain or a host. */
const EXAMPLE_DOMAIN = /(^|[@.])example\.(com|net|org)$/i;
/** Ofcom's numbers reserved for drama: +44 7700 900000 to 900999. */
const DRAMA_NUMBER = /^\+447700900\d{3}$/;

/** A stage value that reaches a person or a system, with what a real one is called. */
type Reachable = { field: string; value: string; placeholder: boolean; real: string };

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
};
const email = (field: string, value: string): Reachable => ({
  field,
  value,
  placeholder: EXAMPLE_DOMAIN.test(value),
  real: 'address',
});
const phone = (field: string, value: string): Reachable => ({
  field,
  value,
  placeholder: DRAMA_NUMBER.test(value),
  real: 'phone number',
});

/** One finding per placeholder, naming the field it is in. */
export function placeholderFindings(config: StageConfig): Finding[] {
  const { sms, domainName, pair } = config;
  const domain = (field: string, value: string): Reachable => ({
    field,
    value,
    placeholder: EXAMPLE_DOMAIN.test(value),
    real: 'domain',
  });
  const reachable: Reachable[] = [
    ...config.alarmEmails.map(({ address }, i) => email(`alarmEmails.${i}.address`, address)),
    ...config.opsEmails.map((address, i) => email(`opsEmails.${i}`, address)),
    ...config.alarmSms.map(({ number }, i) => phone(`alarmSms.${i}.number`, number)),
    ...config.opsSms.map((number, i) => phone(`opsSms.${i}`, number)),
    ...(sms.originationNumber ? [phone('sms.originationNumber', sms.originationNumber)] : []),
    ...config.opsHttps.map((url, i) => ({
      field: `opsHttps.${i}`,
      value: url,
      placeholder: EXAMPLE_DOMAIN.test(hostOf(url)),
      real: 'endpoint',
    })),
    ...(domainName ? [domain('domainName', domainName)] : []),
    ...(['a', 'b'] as const).flatMap((side) => {
      const name = pair?.[side].domain?.name;
      return name ? [domain(`pair.${side}.domain.name`, name)] : [];
    }),
  ];
  return reachable
    .filter((r) => r.placeholder)
    .map((r) => ({
      check: 'placeholders',
      what: `${r.field} is the documentation placeholder ${r.value}: nobody receives it`,
      todo: `replace it in the stages file with a real ${r.real}`,
    }));
}
