// Catalog read mix at a fixed arrival rate (open model), with the endpoints' p99 goals as thresholds.
//   k6 run -e CATALOG_URL=http://localhost:8081 load-tests/k6/catalog.js
// or, with docker compose: docker compose run --rm k6 run /scripts/catalog.js
import http from 'k6/http';
import { check } from 'k6';
import { SCENARIOS, CATALOG_URL, DURATION, thresholds, path, skewedId, accepting } from './scenarios.js';

const READS = SCENARIOS.catalogReads;
const PAGES = Object.keys(READS.mix);

export const options = {
  scenarios: {
    catalog: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || READS.ratePerSecond),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 50,
      maxVUs: 200,
    },
  },
  thresholds: thresholds(PAGES),
};

const responseCallback = accepting(READS.acceptedStatuses);

/** A page of the mix, drawn by its weight. */
function pickPage() {
  let r = Math.random();
  for (const page of PAGES) {
    r -= READS.mix[page];
    if (r < 0) return page;
  }
  return PAGES[PAGES.length - 1];
}

export default function () {
  const page = pickPage();
  const values = {
    word: SCENARIOS.searchWords[Math.floor(Math.random() * SCENARIOS.searchWords.length)],
    productId: skewedId(READS.productIds),
  };
  const res = http.get(CATALOG_URL + path(page, values), { tags: { endpoint: page }, responseCallback });
  check(res, { answered: (x) => READS.acceptedStatuses.includes(x.status) });
}
