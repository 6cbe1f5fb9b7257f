-- The relays poll their outbox instead of being woken by NOTIFY. A transaction that has issued NOTIFY takes a
-- database-wide lock at commit and holds it through its WAL flush, so every checkout (each inserts an outbox row)
-- committed one after another: no group commit, and 16 concurrent checkouts spent most of their time waiting on
-- that lock (pg_stat_activity: wait event Lock/object on COMMIT). A poll of an empty outbox is a read-only
-- transaction that costs the database almost nothing.
DROP TRIGGER catalog_outbox_notify ON catalog.outbox;
DROP TRIGGER orders_outbox_notify ON orders.outbox;
DROP FUNCTION public.notify_outbox();
