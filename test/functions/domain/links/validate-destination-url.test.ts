import { describe, expect, it } from 'vitest';
import { validateDestinationUrl } from '../../../../functions/domain/links/validate-destination-url.js';

describe('validateDestinationUrl', () => {
  it.each([
    'https://shop.example.com/',
    'http://shop.example.com/p?id=1&utm_source=x',
    'https://shop.example.com/cart?next=2&to=checkout&return=/cart',
    'https://shop.example.com:8443/p#section',
    'HTTPS://Shop.Example.com/upper',
  ])('accepts %s', (url) => {
    const result = validateDestinationUrl(url);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.url.protocol).toMatch(/^https?:$/);
  });

  it.each([
    ['javascript:alert(1)', /scheme "javascript:"/],
    ['JavaScript:alert(1)', /scheme "javascript:"/],
    ['data:text/html;base64,PHNjcmlwdD4=', /scheme "data:"/],
    ['vbscript:msgbox', /scheme/],
    ['ftp://files.example.com/x', /scheme "ftp:"/],
    ['//evil.example.com/x', /absolute/],
    ['/\\evil.example.com', /absolute/],
    ['/relative/path', /absolute/],
    ['shop.example.com/p', /absolute/],
    ['https:/evil.example.com', /http\(s\):\/\/host/],
    ['https:\\\\evil.example.com', /http\(s\):\/\/host/],
    ['https://user:pass@shop.example.com/', /credentials/],
    ['https://user@shop.example.com/', /credentials/],
    [' https://shop.example.com/', /whitespace/],
    ['https://shop.example.com/\n', /whitespace/],
    ['', /empty/],
    ['https://shop.example.com/go?url=https://evil.example.com', /"url" parameter/],
    ['https://shop.example.com/go?redirect=http%3A%2F%2Fevil.example.com', /"redirect" parameter/],
    ['https://shop.example.com/go?next=//evil.example.com', /"next" parameter/],
    ['https://shop.example.com/go?r=javascript:alert(1)', /"r" parameter/],
    ['https://shop.example.com/go?anything=https://evil.example.com', /"anything" parameter/],
    ['https://shop.example.com/#/go?redirect_uri=https://evil.example.com', /"redirect_uri" parameter/],
  ])('refuses %s', (url, reason) => {
    const result = validateDestinationUrl(url);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('refuses overlong destinations', () => {
    const result = validateDestinationUrl(`https://shop.example.com/${'a'.repeat(3000)}`);
    expect(result.ok).toBe(false);
  });
});
