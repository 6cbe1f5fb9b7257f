-- Deterministic data generator, built inside PostgreSQL with generate_series so a benchmark dataset takes
-- minutes. Every "random" choice is a hash of the row number and a salt, so the same scale gives the same
-- rows on every machine and under any plan (parallel or not).
--
--   CALL datagen.generate('small');   -- ~20k products: seconds, used by the tests
--   CALL datagen.generate('large');   -- 100k products, 400k variants, 2M reviews, 100k users, 1M orders
--
-- Progress is reported with NOTICE (psql prints it). Existing shop data is replaced.
CREATE SCHEMA IF NOT EXISTS datagen;

-- Which scale the shop data was last generated at (one row), so tests generate only when needed.
CREATE TABLE IF NOT EXISTS datagen.generated (
    scale         text        NOT NULL,
    generated_at  timestamptz NOT NULL DEFAULT now()
);

-- Uniform in [0, 1), a pure function of (i, salt).
CREATE OR REPLACE FUNCTION datagen.rnd(i bigint, salt integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((hashint8extended(i, salt) >> 11) & 9007199254740991)::double precision / 9007199254740992.0;

-- Uniform integer in [lo, hi].
CREATE OR REPLACE FUNCTION datagen.pick(i bigint, salt integer, lo bigint, hi bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lo + floor(datagen.rnd(i, salt) * (hi - lo + 1))::bigint;

CREATE OR REPLACE PROCEDURE datagen.generate(scale text DEFAULT 'small')
LANGUAGE plpgsql AS $$
DECLARE
    n_categories integer;
    n_products   integer;
    n_users      integer;
    n_reviews    integer;
    n_orders     integer;
    n_power      integer;  -- power users: ids 1..n_power
    power_orders integer;  -- orders each power user has
    started      timestamptz := clock_timestamp();
    step         timestamptz;
    adjectives text[] := ARRAY['Ultra','Classic','Smart','Pro','Compact','Vintage','Wireless','Premium','Eco',
        'Rugged','Slim','Deluxe','Portable','Modern','Essential','Advanced','Lightweight','Heavy-Duty','Urban','Sport'];
    materials  text[] := ARRAY['Aluminium','Leather','Cotton','Steel','Bamboo','Carbon','Wool','Ceramic','Oak',
        'Titanium','Linen','Glass','Silicone','Denim','Walnut'];
    nouns      text[] := ARRAY['Laptop','Headphones','Jacket','Backpack','Sneakers','Watch','Lamp','Chair',
        'Keyboard','Mouse','Monitor','Speaker','Camera','Tablet','Phone Case','Water Bottle','Desk','Hoodie',
        'T-Shirt','Jeans','Sunglasses','Wallet','Blender','Kettle','Coffee Maker','Router','Charger','Drone',
        'Guitar','Yoga Mat','Tent','Bicycle Helmet','Notebook','Pen Set','Mug','Scarf','Boots','Dress','Skillet',
        'Smartwatch'];
    phrases    text[] := ARRAY['built to last','designed for everyday use','with a two-year warranty',
        'loved by professionals','made from sustainable materials','ideal for travel','easy to clean',
        'with fast shipping','a customer favourite','engineered for comfort','tested in extreme conditions',
        'perfect as a gift'];
    sizes      text[] := ARRAY['XS','S','M','L','XL','XXL'];
    colors     text[] := ARRAY['Black','White','Red','Blue','Green','Grey','Navy','Beige','Olive','Pink'];
    words      text[] := ARRAY['great','poor','excellent','value','quality','broke','comfortable','fast',
        'slow','recommend','returned','perfect','cheap','sturdy','flimsy','beautiful','works','love'];
BEGIN
    CASE scale
        WHEN 'small' THEN
            n_categories := 40;  n_products := 20000;  n_users := 5000;   n_reviews := 100000;
            n_orders := 40000;   n_power := 3;         power_orders := 2000;
        WHEN 'large' THEN
            n_categories := 200; n_products := 100000; n_users := 100000; n_reviews := 2000000;
            n_orders := 1000000; n_power := 10;        power_orders := 6000;
        ELSE
            RAISE EXCEPTION 'unknown scale %, expected small or large', scale;
    END CASE;

    -- Bulk load without per-row triggers and FK checks; the maintained columns are computed in bulk below.
    PERFORM set_config('session_replication_role', 'replica', false);
    -- The search GIN indexes run without a pending list (see V1); for a bulk load one is 5x faster.
    ALTER INDEX catalog.products_search_vector_idx SET (fastupdate = on);
    ALTER INDEX catalog.products_name_trgm_idx SET (fastupdate = on);
    RAISE NOTICE '[datagen] scale=% : % products, % users, % reviews, % orders (% power users x % orders)',
        scale, n_products, n_users, n_reviews, n_orders, n_power, power_orders;

    step := clock_timestamp();
    TRUNCATE orders.order_items, orders.orders, orders.idempotency_keys, orders.outbox, orders.users,
             catalog.reviews, catalog.product_ratings, catalog.inventory, catalog.product_variants,
             catalog.products, catalog.categories, catalog.outbox, datagen.generated RESTART IDENTITY;
    RAISE NOTICE '[datagen] 1/7 cleared existing data (% ms)', round(extract(epoch FROM clock_timestamp() - step) * 1000);
    COMMIT;

    step := clock_timestamp();
    INSERT INTO catalog.categories (id, name, slug)
    SELECT g, nouns[1 + (g - 1) % array_length(nouns, 1)] || CASE WHEN g > array_length(nouns, 1)
                THEN ' ' || ((g - 1) / array_length(nouns, 1) + 1) ELSE '' END,
           lower(replace(nouns[1 + (g - 1) % array_length(nouns, 1)], ' ', '-')) || '-' || g
      FROM generate_series(1, n_categories) g;

    INSERT INTO catalog.products (id, category_id, name, description, base_price, is_featured, is_active, created_at, updated_at)
    SELECT g,
           c.category_id,
           adjectives[datagen.pick(g, 2, 1, array_length(adjectives, 1))] || ' '
               || materials[datagen.pick(g, 3, 1, array_length(materials, 1))] || ' '
               || nouns[c.noun] || ' ' || chr(65 + datagen.pick(g, 4, 0, 25)::int) || '-' || datagen.pick(g, 5, 100, 9999),
           'A ' || lower(adjectives[datagen.pick(g, 6, 1, array_length(adjectives, 1))]) || ' '
               || lower(nouns[c.noun]) || ', ' || phrases[datagen.pick(g, 7, 1, array_length(phrases, 1))]
               || ' and ' || phrases[datagen.pick(g, 8, 1, array_length(phrases, 1))] || '.',
           round((5 + datagen.rnd(g, 9) ^ 2 * 2995)::numeric, 2),
           datagen.rnd(g, 10) < 0.02,
           datagen.rnd(g, 11) >= 0.05,
           timestamptz '2026-01-01' - make_interval(secs => datagen.pick(g, 12, 0, 3 * 365 * 86400)),
           timestamptz '2026-01-01'
      FROM generate_series(1, n_products) g
     CROSS JOIN LATERAL (SELECT datagen.pick(g, 1, 1, n_categories) AS category_id) pc
     CROSS JOIN LATERAL (SELECT 1 + ((pc.category_id - 1) % array_length(nouns, 1))::int AS noun, pc.category_id) c;
    PERFORM gin_clean_pending_list('catalog.products_search_vector_idx'::regclass),
            gin_clean_pending_list('catalog.products_name_trgm_idx'::regclass);
    ALTER INDEX catalog.products_search_vector_idx SET (fastupdate = off);
    ALTER INDEX catalog.products_name_trgm_idx SET (fastupdate = off);
    RAISE NOTICE '[datagen] 2/7 % categories, % products (% ms)', n_categories, n_products,
        round(extract(epoch FROM clock_timestamp() - step) * 1000);
    COMMIT;

    -- 2 to 6 variants per product (4 on average: 400k at large scale); about 8% are sold out.
    step := clock_timestamp();
    INSERT INTO catalog.product_variants (id, product_id, sku, size, color)
    SELECT row_number() OVER (ORDER BY p, v), p, 'SKU-' || p || '-' || v,
           sizes[1 + (v - 1) % array_length(sizes, 1)],
           colors[datagen.pick(p * 8 + v, 13, 1, array_length(colors, 1))]
      FROM generate_series(1, n_products) p
     CROSS JOIN LATERAL generate_series(1, datagen.pick(p, 14, 2, 6)::int) v;
    INSERT INTO catalog.inventory (product_variant_id, quantity_available, updated_at)
    SELECT id, CASE WHEN datagen.rnd(id, 15) < 0.08 THEN 0 ELSE datagen.pick(id, 16, 1, 500)::int END,
           timestamptz '2026-01-01'
      FROM catalog.product_variants;
    UPDATE catalog.products p SET in_stock_variants = s.n
      FROM (SELECT v.product_id, count(*) AS n
              FROM catalog.product_variants v JOIN catalog.inventory i ON i.product_variant_id = v.id
             WHERE i.quantity_available > 0 GROUP BY v.product_id) s
     WHERE s.product_id = p.id;
    RAISE NOTICE '[datagen] 3/7 % variants with stock (% ms)', (SELECT count(*) FROM catalog.product_variants),
        round(extract(epoch FROM clock_timestamp() - step) * 1000);
    COMMIT;

    step := clock_timestamp();
    INSERT INTO orders.users (id, email, first_name, last_name, created_at)
    SELECT g, 'user' || g || '@example.com',
           (ARRAY['Ana','Ben','Chloe','David','Emma','Farid','Grace','Hugo','Ines','Jon','Kira','Liam'])[datagen.pick(g, 17, 1, 12)],
           (ARRAY['Garcia','Smith','Müller','Rossi','Dubois','Silva','Kowalski','Novak','Jensen','Tanaka'])[datagen.pick(g, 18, 1, 10)],
           timestamptz '2023-01-01' + make_interval(secs => datagen.pick(g, 19, 0, 3 * 365 * 86400))
      FROM generate_series(1, n_users) g;
    RAISE NOTICE '[datagen] 4/7 % users (% ms)', n_users, round(extract(epoch FROM clock_timestamp() - step) * 1000);
    COMMIT;

    -- Reviews skewed towards popular products (squared uniform), as real shops are.
    step := clock_timestamp();
    INSERT INTO catalog.reviews (id, product_id, user_id, rating, body, created_at)
    SELECT g, 1 + floor(datagen.rnd(g, 20) ^ 2 * n_products)::bigint, datagen.pick(g, 21, 1, n_users),
           (ARRAY[1,2,3,3,4,4,4,5,5,5])[datagen.pick(g, 22, 1, 10)],
           initcap(words[datagen.pick(g, 23, 1, 18)]) || ' ' || words[datagen.pick(g, 24, 1, 18)] || ', '
               || words[datagen.pick(g, 25, 1, 18)] || ' ' || words[datagen.pick(g, 26, 1, 18)] || '.',
           timestamptz '2026-01-01' - make_interval(secs => datagen.pick(g, 27, 0, 2 * 365 * 86400))
      FROM generate_series(1, n_reviews) g
        ON CONFLICT (product_id, user_id) DO NOTHING;  -- one review per customer and product
    INSERT INTO catalog.product_ratings (product_id, review_count, rating_sum)
    SELECT product_id, count(*), sum(rating) FROM catalog.reviews GROUP BY product_id;
    RAISE NOTICE '[datagen] 5/7 % reviews and their rating summaries (% ms)', (SELECT count(*) FROM catalog.reviews),
        round(extract(epoch FROM clock_timestamp() - step) * 1000);
    COMMIT;

    -- Orders: the first n_power users get power_orders each, the rest are spread over all users.
    step := clock_timestamp();
    INSERT INTO orders.orders (id, user_id, status, total_amount, item_count, created_at, updated_at)
    SELECT g,
           CASE WHEN g <= n_power * power_orders THEN 1 + (g - 1) % n_power ELSE datagen.pick(g, 30, 1, n_users) END,
           (ARRAY['DELIVERED','DELIVERED','DELIVERED','SHIPPED','PAID','PLACED','CANCELLED'])[datagen.pick(g, 31, 1, 7)],
           0, 1,
           timestamptz '2026-01-01' - make_interval(secs => datagen.pick(g, 32, 0, 2 * 365 * 86400)),
           timestamptz '2026-01-01'
      FROM generate_series(1, n_orders) g;
    RAISE NOTICE '[datagen] 6/7 % orders (% ms)', n_orders, round(extract(epoch FROM clock_timestamp() - step) * 1000);
    COMMIT;

    step := clock_timestamp();
    INSERT INTO orders.order_items (order_id, product_variant_id, product_id, product_name, sku, size, color,
                                    quantity, unit_price)
    SELECT o, v.id, p.id, p.name, v.sku, v.size, v.color, datagen.pick(o * 8 + k, 34, 1, 3), p.base_price
      FROM generate_series(1, n_orders) o
     CROSS JOIN LATERAL generate_series(1, datagen.pick(o, 33, 1, 4)::int) k
      JOIN catalog.product_variants v ON v.id = datagen.pick(o * 8 + k, 35, 1, (SELECT max(id) FROM catalog.product_variants))
      JOIN catalog.products p ON p.id = v.product_id;
    UPDATE orders.orders o SET total_amount = s.total, item_count = s.n
      FROM (SELECT order_id, sum(quantity * unit_price) AS total, sum(quantity) AS n
              FROM orders.order_items GROUP BY order_id) s
     WHERE s.order_id = o.id;
    RAISE NOTICE '[datagen] 7/7 % order items (% ms)', (SELECT count(*) FROM orders.order_items),
        round(extract(epoch FROM clock_timestamp() - step) * 1000);
    COMMIT;

    -- Identities continue after the generated ids.
    PERFORM setval(pg_get_serial_sequence('catalog.categories', 'id'), n_categories);
    PERFORM setval(pg_get_serial_sequence('catalog.products', 'id'), n_products);
    PERFORM setval(pg_get_serial_sequence('catalog.product_variants', 'id'), (SELECT max(id) FROM catalog.product_variants));
    PERFORM setval(pg_get_serial_sequence('catalog.reviews', 'id'), n_reviews);
    PERFORM setval(pg_get_serial_sequence('orders.users', 'id'), n_users);
    PERFORM setval(pg_get_serial_sequence('orders.orders', 'id'), n_orders);
    PERFORM set_config('session_replication_role', 'origin', false);
    INSERT INTO datagen.generated (scale) VALUES (scale);
    ANALYZE catalog.categories, catalog.products, catalog.product_variants, catalog.inventory, catalog.reviews,
            catalog.product_ratings, orders.users, orders.orders, orders.order_items;
    RAISE NOTICE '[datagen] done in % s (statistics analyzed)',
        round(extract(epoch FROM clock_timestamp() - started)::numeric, 1);
END $$;

-- Generates the given scale unless the data was last generated at that scale (tests call this, so a second
-- test module or run does not pay for generation again; rows tests add on top are kept).
CREATE OR REPLACE PROCEDURE datagen.ensure(scale text DEFAULT 'small')
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM datagen.generated g WHERE g.scale = ensure.scale) THEN
        CALL datagen.generate(scale);
    END IF;
END $$;
