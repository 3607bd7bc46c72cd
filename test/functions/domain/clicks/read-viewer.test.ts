import { describe, expect, it } from 'vitest';
import { readViewer } from '../../../../functions/domain/clicks/read-viewer.js';

const viewerHeaders = { 'cloudfront-viewer-address': '192.0.2.201:46532', 'cloudfront-viewer-country': 'FR' };

describe('readViewer', () => {
  it.each([
    ['no secret presented', {}],
    ['an empty secret', { 'x-origin-verify': '' }],
    ['a wrong secret', { 'x-origin-verify': 'not-it' }],
    ['a prefix of the secret', { 'x-origin-verify': 's3cr' }],
  ])('with %s, believes only the connection', (_, extra) => {
    expect(readViewer({ headers: { ...viewerHeaders, ...extra }, sourceIp: '198.51.100.7', acceptedSecrets: ['s3cret'] })).toEqual({
      sourceIp: '198.51.100.7',
      viewerCountry: null,
      verified: false,
    });
  });

  it('verifies nothing when no secret is configured, even an empty header', () => {
    expect(readViewer({ headers: { ...viewerHeaders, 'x-origin-verify': '' }, sourceIp: '198.51.100.7', acceptedSecrets: [] }).verified).toBe(false);
  });

  it.each([
    ['192.0.2.201:46532', '192.0.2.201'],
    ['[2a00:1450:4001:82b::200e]:443', '2a00:1450:4001:82b::200e'],
    ['2a00:1450:4001:82b::200e:443', '2a00:1450:4001:82b::200e'],
  ])('with an accepted secret, reads CloudFront-Viewer-Address %s', (address, ip) => {
    const viewer = readViewer({
      headers: { 'cloudfront-viewer-address': address, 'cloudfront-viewer-country': 'FR', 'x-origin-verify': 'old' },
      sourceIp: '130.176.0.1',
      acceptedSecrets: ['new', 'old'],
    });
    expect(viewer).toEqual({ sourceIp: ip, viewerCountry: 'FR', verified: true });
  });

  it('falls back to the edge address when a verified request has no viewer address', () => {
    expect(readViewer({ headers: { 'x-origin-verify': 'new' }, sourceIp: '130.176.0.1', acceptedSecrets: ['new'] })).toEqual({
      sourceIp: '130.176.0.1',
      viewerCountry: null,
      verified: true,
    });
  });

  it.each([
    ['198.51.100.23', '198.51.100.23'],
    // A bare IPv6 address: its last group is no port.
    ['2001:db8::77', '2001:db8::77'],
    [' 2001:db8::77 ', '2001:db8::77'],
  ])('with an accepted secret, reads the web app distribution\'s True-Client-IP %s', (address, ip) => {
    expect(readViewer({ headers: { 'true-client-ip': address, 'x-origin-verify': 'new' }, sourceIp: '130.176.0.1', acceptedSecrets: ['new'] })).toEqual({
      sourceIp: ip,
      viewerCountry: null,
      verified: true,
    });
  });

  it('never believes True-Client-IP without an accepted secret (anyone can send it)', () => {
    expect(readViewer({ headers: { 'true-client-ip': '2001:db8::77', 'x-origin-verify': 'guess' }, sourceIp: '130.176.0.1', acceptedSecrets: ['new'] }).sourceIp).toBe('130.176.0.1');
    expect(readViewer({ headers: { 'true-client-ip': '2001:db8::77' }, sourceIp: '130.176.0.1', acceptedSecrets: ['new'] }).sourceIp).toBe('130.176.0.1');
  });

  it('prefers CloudFront-Viewer-Address when both are present', () => {
    expect(
      readViewer({ headers: { ...viewerHeaders, 'true-client-ip': '2001:db8::77', 'x-origin-verify': 'new' }, sourceIp: '130.176.0.1', acceptedSecrets: ['new'] }).sourceIp,
    ).toBe('192.0.2.201');
  });
});
