-- The "before" of the benchmark: the same generated rows in the seed's schema, with primary keys only (the
-- seed's slow pages came from missing indexes), and stock on product_variants as the seed's search query reads it.
-- Built once per dataset by run-benchmark.sh; takes about a minute at the large scale.
\set ON_ERROR_STOP on
\echo [baseline] copying the dataset into schema seed_baseline (primary keys only)
DROP SCHEMA IF EXISTS seed_baseline CASCADE;
CREATE SCHEMA seed_baseline;
CREATE TABLE seed_baseline.categories AS SELECT id, name FROM catalog.categories;
CREATE TABLE seed_baseline.products AS
    SELECT id, category_id, name, description, base_price, is_featured, is_active, created_at FROM catalog.products;
CREATE TABLE seed_baseline.product_variants AS
    SELECT v.id, v.product_id, v.sku, v.size, v.color, i.quantity_available AS stock_quantity
      FROM catalog.product_variants v JOIN catalog.inventory i ON i.product_variant_id = v.id;
CREATE TABLE seed_baseline.inventory AS SELECT product_variant_id, quantity_available FROM catalog.inventory;
\echo [baseline] catalog copied
CREATE TABLE seed_baseline.reviews AS SELECT id, product_id, user_id, rating, body, created_at FROM catalog.reviews;
\echo [baseline] reviews copied
CREATE TABLE seed_baseline.users AS SELECT id, email, first_name, last_name, created_at FROM orders.users;
CREATE TABLE seed_baseline.orders AS SELECT id, user_id, status, total_amount, created_at FROM orders.orders;
CREATE TABLE seed_baseline.order_items AS SELECT id, order_id, product_variant_id, quantity, unit_price FROM orders.order_items;
\echo [baseline] orders copied
ALTER TABLE seed_baseline.categories ADD PRIMARY KEY (id);
ALTER TABLE seed_baseline.products ADD PRIMARY KEY (id);
ALTER TABLE seed_baseline.product_variants ADD PRIMARY KEY (id);
ALTER TABLE seed_baseline.inventory ADD PRIMARY KEY (product_variant_id);
ALTER TABLE seed_baseline.reviews ADD PRIMARY KEY (id);
ALTER TABLE seed_baseline.users ADD PRIMARY KEY (id);
ALTER TABLE seed_baseline.orders ADD PRIMARY KEY (id);
ALTER TABLE seed_baseline.order_items ADD PRIMARY KEY (id);
ANALYZE seed_baseline.categories, seed_baseline.products, seed_baseline.product_variants, seed_baseline.inventory,
        seed_baseline.reviews, seed_baseline.users, seed_baseline.orders, seed_baseline.order_items;
CREATE TABLE seed_baseline.built_from AS SELECT scale, generated_at FROM datagen.generated;
\echo [baseline] done
