/**
 * Ping URLs as Healthchecks' open-source server routes and answers them (hc/api/urls.py, views.py,
 * tests/test_ping.py): which paths name a uuid and a signal, and the order of its 400s.
 */
import { describe, expect, it } from 'vitest';
import {
  hashPingUuid,
  newPingUuid,
  PING_ANSWERS,
  parsePingPath,
  pingUrl,
  refusal,
  validRid,
} from '../../../../shared/domain/pings/ping.js';

const UUID = '0b7f3c1e-2d4a-4f5b-8c6d-7e8f9a0b1c2d';

describe('parsePingPath', () => {
  it.each([
    [`/ping/${UUID}`, { kind: 'success' }],
    [`/ping/${UUID}/`, { kind: 'success' }],
    [`/ping/${UUID}/0`, { kind: 'success' }],
    [`/ping/${UUID}/start`, { kind: 'start' }],
    [`/ping/${UUID}/log`, { kind: 'log' }],
    [`/ping/${UUID}/fail`, { kind: 'fail' }],
    [`/ping/${UUID}/1`, { kind: 'fail', exitStatus: 1 }],
    [`/ping/${UUID}/255`, { kind: 'fail', exitStatus: 255 }],
    [`/ping/${UUID}/007`, { kind: 'fail', exitStatus: 7 }],
  ])('%s is %o', (path, signal) => {
    expect(parsePingPath(path)).toEqual({ uuid: UUID, signal });
  });

  it('marks an exit status over 255 (400 invalid url format once the uuid is found)', () => {
    expect(parsePingPath(`/ping/${UUID}/256`)).toMatchObject({ uuid: UUID, exitStatusTooLarge: true });
    expect(parsePingPath(`/ping/${UUID}/99999999999999999999999`)).toMatchObject({
      exitStatusTooLarge: true,
    });
  });

  it.each([
    ['/ping/', 'no uuid'],
    ['/ping/not-a-uuid', 'not a uuid'],
    [`/ping/${UUID.replaceAll('-', '')}`, 'hyphen-less (test_it_rejects_alternative_uuid_formats)'],
    [`/ping/${UUID.toUpperCase()}`, 'upper-case (Django’s uuid converter is lower-case)'],
    [`/ping/{${UUID}}`, 'braced'],
    [`/ping/${UUID}/-1`, 'a negative exit status'],
    [`/ping/${UUID}/start/`, 'a trailing slash after a suffix'],
    [`/ping/${UUID}/success`, 'an unknown suffix'],
    [`/ping/${UUID}/fail/extra`, 'more path'],
    [`/v1/ping/${UUID}`, 'another prefix'],
  ])('%s is no ping URL (%s): 404', (path) => {
    expect(parsePingPath(path)).toBeUndefined();
  });
});

describe('the answers', () => {
  it('are Healthchecks’ words and statuses', () => {
    expect(PING_ANSWERS).toEqual({
      ok: { status: 200, body: 'OK' },
      notFound: { status: 404, body: 'not found' },
      invalidUrl: { status: 400, body: 'invalid url format' },
      invalidRid: { status: 400, body: 'invalid uuid format' },
    });
  });

  it('refuse an exit status over 255 before a bad rid, and accept an upper-case rid', () => {
    const tooLarge = parsePingPath(`/ping/${UUID}/300`);
    const plain = parsePingPath(`/ping/${UUID}`);
    if (!tooLarge || !plain) throw new Error('parsed');
    expect(refusal(tooLarge, 'bad')).toEqual(PING_ANSWERS.invalidUrl);
    expect(refusal(plain, 'bad')).toEqual(PING_ANSWERS.invalidRid);
    expect(refusal(plain, '')).toEqual(PING_ANSWERS.invalidRid);
    expect(refusal(plain, UUID.toUpperCase())).toBeUndefined();
    expect(refusal(plain, undefined)).toBeUndefined();
    expect(validRid(UUID.replaceAll('-', ''))).toBe(false);
  });
});

describe('a ping uuid', () => {
  it('is a random version-4 uuid the router accepts, stored only as a hash', () => {
    const uuid = newPingUuid();
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parsePingPath(`/ping/${uuid}`)?.uuid).toBe(uuid);
    expect(newPingUuid()).not.toBe(uuid);
    expect(hashPingUuid(uuid)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashPingUuid(uuid)).not.toContain(uuid.slice(0, 8));
    expect(pingUrl('https://listener.example/', uuid)).toBe(`https://listener.example/ping/${uuid}`);
  });
});
