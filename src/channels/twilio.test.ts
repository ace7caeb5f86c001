import { describe, expect, it } from 'vitest';
import { MissiveError } from '../core/errors.ts';
import { createTwilioChannel } from './twilio.ts';

const options = {
  accountSid: `AC${'0'.repeat(32)}`,
  authToken: 'token',
  from: '+15005550006',
  publicUrl: 'http://127.0.0.1:1',
};

/** The SDK loads at the first send; what its constructor refused is still refused when the channel is made. */
describe('createTwilioChannel', () => {
  it('makes the channel without contacting Twilio', () => {
    const channel = createTwilioChannel(options);
    expect(channel).toMatchObject({ kind: 'sms', name: 'twilio' });
  });

  it('refuses an account SID that is not one, with the SDK’s words and a stable code', () => {
    for (const [accountSid, says] of [
      ['XY123', /^accountSid must start with AC$/],
      ['SK123', /^accountSid must start with AC\. The given SID indicates an API Key/],
    ] as const) {
      const made = () => createTwilioChannel({ ...options, accountSid });
      expect(made).toThrow(MissiveError);
      expect(made).toThrow(says);
      expect(made).toThrow(expect.objectContaining({ code: 'MSV_CONFIG_INVALID' }));
    }
  });

  it('refuses an API base that is not a URL', () => {
    expect(() => createTwilioChannel({ ...options, apiBase: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'MSV_CONFIG_INVALID' }),
    );
  });
});
