// Checkout at a fixed rate plus power users reading their history, with the suite's goals as thresholds.
// Tokens come from order-service's development endpoint (enabled only in local/dev deployments).
//   k6 run -e ORDERS_URL=http://localhost:8082 load-tests/k6/orders.js
import http from 'k6/http';
import { check } from 'k6';
import { uuidv4 } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';

const ORDERS = __ENV.ORDERS_URL || 'http://localhost:8082';
const POWER_USERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export const options = {
  scenarios: {
    checkout: {
      executor: 'constant-arrival-rate', exec: 'checkout',
      rate: Number(__ENV.CHECKOUT_RATE || 100), timeUnit: '1s', duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 50, maxVUs: 200,
    },
    history: {
      executor: 'constant-vus', exec: 'history', vus: 50, duration: __ENV.DURATION || '60s',
    },
  },
  thresholds: {
    'http_req_duration{op:checkout}': ['p(99)<30'],
    'http_req_duration{op:history}': ['p(99)<15'],
    'checks': ['rate>0.99'],
  },
};

function token(userId) {
  const res = http.post(`${ORDERS}/dev/tokens`, JSON.stringify({ userId, ttlSeconds: 7200 }),
    { headers: { 'Content-Type': 'application/json' } });
  return res.json('token');
}

export function setup() {
  const buyers = [];
  for (let u = 1000; u < 1100; u++) buyers.push(token(u));
  const power = POWER_USERS.map(token);
  return { buyers, power };
}

export function checkout(data) {
  const variantId = 1 + Math.floor(Math.random() * 399000);
  const res = http.post(`${ORDERS}/orders`, JSON.stringify({ lines: [{ variantId, quantity: 1 }] }), {
    headers: {
      'Content-Type': 'application/json',
      'Idempotency-Key': uuidv4(),
      Authorization: `Bearer ${data.buyers[Math.floor(Math.random() * data.buyers.length)]}`,
    },
    tags: { op: 'checkout' },
  });
  // 409: that variant is sold out; 400: it belongs to an inactive product. Both are correct answers.
  check(res, { 'checkout answered': (x) => [201, 409, 400].includes(x.status) });
}

export function history(data) {
  const res = http.get(`${ORDERS}/orders`, {
    headers: { Authorization: `Bearer ${data.power[Math.floor(Math.random() * data.power.length)]}` },
    tags: { op: 'history' },
  });
  check(res, { 'history 200': (x) => x.status === 200 });
}
