// Catalog read mix at a fixed arrival rate (open model), with the suite's latency goals as thresholds.
//   k6 run -e CATALOG_URL=http://localhost:8081 load-tests/k6/catalog.js
// or, with docker compose: docker compose run --rm k6 run /scripts/catalog.js
import http from 'k6/http';
import { check } from 'k6';

const CATALOG = __ENV.CATALOG_URL || 'http://localhost:8081';
const WORDS = ['laptop', 'headphones', 'jacket', 'backpack', 'watch', 'lamp', 'keyboard', 'camera', 'kettle', 'drone'];

export const options = {
  scenarios: {
    catalog: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 300),
      timeUnit: '1s',
      duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 50,
      maxVUs: 200,
    },
  },
  thresholds: {
    'http_req_failed': ['rate<0.01'],
    'http_req_duration{page:featured}': ['p(99)<20'],
    'http_req_duration{page:search}': ['p(99)<20'],
    'http_req_duration{page:detail}': ['p(99)<20'],
  },
};

export default function () {
  const r = Math.random();
  let res;
  if (r < 0.4) {
    res = http.get(`${CATALOG}/products/featured`, { tags: { page: 'featured' } });
  } else if (r < 0.7) {
    const word = WORDS[Math.floor(Math.random() * WORDS.length)];
    res = http.get(`${CATALOG}/products?q=${word}&minPrice=500&maxPrice=2000&inStock=true&sort=price_asc`,
      { tags: { page: 'search' } });
  } else {
    const id = 1 + Math.floor(Math.pow(Math.random(), 2) * 100000);
    res = http.get(`${CATALOG}/products/${id}`, { tags: { page: 'detail' } });
  }
  check(res, { 'answered': (x) => x.status === 200 || x.status === 404 });
}
