import { describe, expect, it } from 'vitest';
import { makeArtifact } from '../render/artifact.ts';
import { encodeEmail } from '../render/email.ts';
import type { SendContext } from './channel.ts';
import { buildMail, messageIdFor } from './smtp.ts';

const options = {
  url: 'smtp://127.0.0.1:1',
  from: 'Bank <news@bank.test>',
  messageIdDomain: 'bank.test',
  publicUrl: 'https://m.test/',
};
const artifact = makeArtifact(
  encodeEmail({ subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' }),
  'application/vnd.missive.email',
);
const ctx = (purpose: 'service' | 'marketing'): SendContext => ({
  deliveryKey: 'dk_abc',
  communicationId: 'com_1',
  purpose,
  now: new Date(0),
  attempt: 1,
});

describe('buildMail', () => {
  it('uses the delivery key as Message-ID and adds one-click unsubscribe to marketing mail only', () => {
    const marketing = buildMail(
      options,
      { artifact, to: { address: 'a@b.test', name: 'Ann' } },
      ctx('marketing'),
    );
    expect(marketing.messageId).toBe(messageIdFor('dk_abc', 'bank.test'));
    expect(marketing.headers).toMatchObject({
      'List-Unsubscribe':
        '<https://m.test/unsubscribe/dk_abc>, <mailto:unsubscribe@bank.test?subject=dk_abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    const service = buildMail(options, { artifact, to: { address: 'a@b.test' } }, ctx('service'));
    expect(service.headers).not.toHaveProperty('List-Unsubscribe');
    expect(service).toMatchObject({ subject: 'Hi', html: '<p>Hi</p>', text: 'Hi', to: 'a@b.test' });
  });
  it('sends service mail without a brand sender from the service From, marketing from the From', () => {
    const both = { ...options, serviceFrom: 'Bank <statements@bank.test>' };
    const to = { artifact, to: { address: 'a@b.test' } };
    expect(buildMail(both, to, ctx('service')).from).toBe('Bank <statements@bank.test>');
    expect(buildMail(both, to, ctx('marketing')).from).toBe('Bank <news@bank.test>');
    expect(buildMail(options, to, ctx('service')).from).toBe('Bank <news@bank.test>');
  });
  it('refuses CR or LF in a name or an address', () => {
    const to = (name: string, address = 'a@b.test') => ({ artifact, to: { address, name } });
    expect(() => buildMail(options, to('X\r\nBcc: evil@example.com'), ctx('service'))).toThrow(
      expect.objectContaining({ code: 'MSV_CHANNEL_HEADER_INJECTION' }),
    );
    expect(() => buildMail(options, to('X', 'a@b.test\nRCPT TO:<evil@example.com>'), ctx('service'))).toThrow(
      /line break/,
    );
  });
});
