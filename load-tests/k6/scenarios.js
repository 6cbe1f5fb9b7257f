// The scenario definitions every k6 script here runs (endpoints, mix, rates, thresholds), from scenarios.json:
// the same file the Java harness reads (io.shop.bench.Scenarios), so the two cannot drift apart.
import http from 'k6/http';

export const SCENARIOS = JSON.parse(open('./scenarios.json'));

export const CATALOG_URL = __ENV.CATALOG_URL || 'http://localhost:8081';
export const ORDERS_URL = __ENV.ORDERS_URL || 'http://localhost:8082';
export const DURATION = __ENV.DURATION || SCENARIOS.duration;

/** k6 thresholds: each named endpoint's p99 goal (requests tagged {endpoint: name}) and the error budget. */
export function thresholds(endpointNames) {
  /** @type {Record<string, string[]>} */
  const result = { http_req_failed: [`rate<${SCENARIOS.maxErrorRate}`] };
  for (const name of endpointNames) {
    result[`http_req_duration{endpoint:${name}}`] = [`p(99)<${SCENARIOS.endpoints[name].p99Ms}`];
  }
  return result;
}

/** A path of an endpoint with its {placeholders} filled. */
export function path(endpointName, values = {}) {
  return SCENARIOS.endpoints[endpointName].path.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(values[key]));
}

/** A whole number in [range.from, range.to], squared towards the low end (a few ids are hot). */
export function skewedId(range) {
  return range.from + Math.floor(Math.pow(Math.random(), 2) * (range.to - range.from + 1));
}

/** A signed-in customer's token from order-service's development endpoint (local and dev deployments only). */
export function devToken(userId) {
  const res = http.post(`${ORDERS_URL}/dev/tokens`, JSON.stringify({ userId, ttlSeconds: 7200 }),
    { headers: { 'Content-Type': 'application/json' } });
  if (res.status !== 200) {
    throw new Error(`order-service did not issue a dev token (${res.status}): is shop.auth.dev-tokens-enabled on?`);
  }
  return String(res.json('token'));
}

/** Requests that returned one of the statuses a scenario accepts are not failures (a 409 is a correct sold out). */
export function accepting(statuses) {
  return http.expectedStatuses(...statuses);
}
