-- Every checkout updates its variants' stock rows and (through the stock trigger) their product's row. An update
-- is HOT (no index touched) only when the new row version fits on the same page; on full pages it is not, and a
-- product update then inserts into all seven of the table's indexes, two of them GIN (full-text and trigram, with
-- fastupdate off). Measured under checkout load on packed pages: 29% of product updates were not HOT. Leaving a
-- fifth of each page free keeps them HOT; CLUSTER rewrites the existing rows with that room (a no-op on the empty
-- tables of a new database, seconds on the large dataset).
ALTER TABLE catalog.products SET (fillfactor = 80);
ALTER TABLE catalog.inventory SET (fillfactor = 80);
CLUSTER catalog.products USING products_pkey;
CLUSTER catalog.inventory USING inventory_pkey;
