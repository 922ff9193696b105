/** §2 HANDLER-7/8: requests that do not come from the queue. */
import { describe, type HandlerCase, pass, warn } from '../../src/conform/kit.js';

export const refusesWithoutHeaders: HandlerCase = {
  id: 'H-2.10',
  title: 'A request without the X-AppEngine headers is refused with 4xx',
  rules: ['HANDLER-8', 'HANDLER-7', 'HDR-9'],
  requirement:
    'HANDLER-8: a handler may treat a request without X-AppEngine-TaskName as not coming from the queue and answer 4xx; outside App Engine nothing strips forged headers.',
  severity: 'recommended',
  assumes: {}, // a request anyone could send: nothing about the app's own tasks
  async run(ctx) {
    // Sent directly, not through the engine: a plain POST as anyone on the network could make it.
    const r = await ctx.send({
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new TextEncoder().encode('not from the queue'),
    });
    const expected = 'a 4xx (e.g. 400 or 403) to a POST without X-AppEngine-QueueName and X-AppEngine-TaskName';
    if (r.outcome === 'error' && r.status >= 400 && r.status <= 499) return pass(expected, describe(r));
    if (r.outcome === 'ok') {
      return warn(
        expected,
        `${describe(r)}: the handler ran a request that did not come from the queue; anyone who can reach this URL can run tasks`,
      );
    }
    return warn(expected, `${describe(r)}: a 4xx says "not from the queue" more clearly`);
  },
};
