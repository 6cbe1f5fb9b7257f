// Checkout at a fixed arrival rate (open model): one line per order, a fresh Idempotency-Key per order, buyers
// signed in with tokens from order-service's development endpoint (enabled only in local and dev deployments).
//   k6 run -e ORDERS_URL=http://localhost:8082 load-tests/k6/checkout.js
import http from 'k6/http';
import { check } from 'k6';
import { SCENARIOS, ORDERS_URL, DURATION, thresholds, path, skewedId, devToken, accepting } from './scenarios.js';

const CHECKOUT = SCENARIOS.checkout;

export const options = {
  scenarios: {
    checkout: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || CHECKOUT.ratePerSecond),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 50,
      maxVUs: 200,
    },
  },
  thresholds: thresholds(['checkout']),
};

const responseCallback = accepting(CHECKOUT.acceptedStatuses);

export function setup() {
  const buyers = [];
  for (let u = CHECKOUT.buyers.from; u < CHECKOUT.buyers.from + CHECKOUT.buyers.count; u++) buyers.push(devToken(u));
  return { buyers };
}

/** @param {{ buyers: string[] }} data */
export default function (data) {
  const variantId = skewedId(CHECKOUT.variantIds);
  const res = http.post(ORDERS_URL + path('checkout'), JSON.stringify({ lines: [{ variantId, quantity: 1 }] }), {
    headers: {
      'Content-Type': 'application/json',
      'Idempotency-Key': `k6-${__VU}-${__ITER}-${Date.now()}`,
      Authorization: `Bearer ${data.buyers[Math.floor(Math.random() * data.buyers.length)]}`,
    },
    tags: { endpoint: 'checkout' },
    responseCallback,
  });
  // 409: that variant is sold out; 400: it belongs to an inactive product. Both are correct answers.
  check(res, { 'checkout answered': (x) => CHECKOUT.acceptedStatuses.includes(x.status) });
}
