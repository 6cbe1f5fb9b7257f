-- Cache consistency (issue 4): one version per product page, and outbox rows that wake their relay.

-- Every stock change bumps the product's version, not only a change that crosses zero: the product page shows
-- stock, so its cached copy must be invalidated by any change. Writers lock the product row before its stock
-- rows (checkout, cancel, restock), so this UPDATE never waits on a lock another writer holds in reverse order.
CREATE OR REPLACE FUNCTION catalog.maintain_in_stock_variants() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_in_stock boolean := TG_OP = 'UPDATE' AND OLD.quantity_available > 0;
    is_in_stock  boolean := NEW.quantity_available > 0;
BEGIN
    UPDATE catalog.products p
       SET in_stock_variants = p.in_stock_variants + CASE
               WHEN was_in_stock IS NOT DISTINCT FROM is_in_stock THEN 0
               WHEN is_in_stock THEN 1 ELSE -1 END,
           version = p.version + 1, updated_at = now()
      FROM catalog.product_variants v
     WHERE v.id = NEW.product_variant_id AND p.id = v.product_id;
    RETURN NULL;
END $$;

-- A review changes the page's rating summary and recent reviews: bump the product's version too.
CREATE FUNCTION catalog.bump_product_version_on_rating() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog.products SET version = version + 1, updated_at = now() WHERE id = NEW.product_id;
    RETURN NULL;
END $$;

CREATE TRIGGER product_ratings_bump_product AFTER INSERT OR UPDATE ON catalog.product_ratings
    FOR EACH ROW EXECUTE FUNCTION catalog.bump_product_version_on_rating();

-- The relay publishes in insertion order; a sequence gives that order (uuids and timestamps do not).
ALTER TABLE catalog.outbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE orders.outbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX catalog_outbox_seq_idx ON catalog.outbox (seq);
CREATE INDEX orders_outbox_seq_idx ON orders.outbox (seq);
-- occurred_at defaulted to now(), the transaction's start; the wall clock at insert is closer to the commit
-- that the invalidation-lag figures are measured from.
ALTER TABLE catalog.outbox ALTER COLUMN occurred_at SET DEFAULT clock_timestamp();
ALTER TABLE orders.outbox ALTER COLUMN occurred_at SET DEFAULT clock_timestamp();

-- Wakes the relay at commit (NOTIFY is delivered only if the transaction commits), once per statement.
CREATE FUNCTION public.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER catalog_outbox_notify AFTER INSERT ON catalog.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION public.notify_outbox();
CREATE TRIGGER orders_outbox_notify AFTER INSERT ON orders.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION public.notify_outbox();
