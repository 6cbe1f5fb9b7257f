// Power users (thousands of orders each) reading the first page of their order history, N clients in a closed
// loop, with the history endpoint's p99 goal as threshold.
//   k6 run -e ORDERS_URL=http://localhost:8082 load-tests/k6/order-history.js
import http from 'k6/http';
import { check } from 'k6';
import { SCENARIOS, ORDERS_URL, DURATION, thresholds, path, devToken } from './scenarios.js';

const HISTORY = SCENARIOS.history;

export const options = {
  scenarios: {
    history: { executor: 'constant-vus', vus: Number(__ENV.VUS || HISTORY.clients), duration: DURATION },
  },
  thresholds: thresholds(['history']),
};

export function setup() {
  return { tokens: HISTORY.powerUsers.map(devToken) };
}

/** @param {{ tokens: string[] }} data */
export default function (data) {
  const res = http.get(ORDERS_URL + path('history'), {
    headers: { Authorization: `Bearer ${data.tokens[Math.floor(Math.random() * data.tokens.length)]}` },
    tags: { endpoint: 'history' },
  });
  check(res, { 'history 200': (x) => HISTORY.acceptedStatuses.includes(x.status) });
}
