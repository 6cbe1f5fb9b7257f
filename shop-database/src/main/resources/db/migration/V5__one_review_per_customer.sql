-- Customers write reviews (POST /products/{id}/reviews): one per customer and product, marked verified when the
-- customer had bought the product.
ALTER TABLE catalog.reviews ADD COLUMN verified boolean NOT NULL DEFAULT false;
-- The sample data drew reviewers at random, so some customers reviewed a product twice: keep the first of each (the
-- rating trigger takes the others out of the rating sums).
DELETE FROM catalog.reviews r USING catalog.reviews kept
 WHERE kept.product_id = r.product_id AND kept.user_id = r.user_id AND kept.id < r.id;
CREATE UNIQUE INDEX reviews_one_per_customer ON catalog.reviews (product_id, user_id);
