import * as assert from 'node:assert/strict';
import { measurements } from './index';
import { closeAllEditors, hoverText, openExample, positionOf, waitForActivation } from './helpers';

describe('Hover in a real editor', () => {
  after(closeAllEditors);

  it('activates on a Dockerfile and reports its activation time', async () => {
    await openExample('Dockerfile');
    const api = await waitForActivation();
    assert.ok(api.activationMilliseconds >= 0);
    measurements.activationMilliseconds = api.activationMilliseconds;
  });

  it('names the IANA service of an EXPOSE port resolved from ENV', async () => {
    const document = await openExample('Dockerfile');
    const text = await hoverText(document, positionOf(document, 'EXPOSE ${PORT}', 9));
    assert.match(text, /3000\/tcp/);
    assert.match(text, /hbci/, 'the IANA registration for 3000/tcp is hbci');
  });

  it('warns that an exposed Node inspector port is sensitive', async () => {
    const document = await openExample('Dockerfile');
    const text = await hoverText(document, positionOf(document, 'EXPOSE 9229', 8));
    assert.match(text, /9229\/tcp/);
    assert.match(text, /Sensitive — high risk/);
  });

  it('shows no hover on a number that is not a port', async () => {
    const document = await openExample('Dockerfile');
    const text = await hoverText(document, positionOf(document, 'NODE_VERSION=20', 14));
    assert.equal(text.includes('IANA'), false, `unexpected hover: ${text}`);
  });
});
