-- An idempotency record is claimed (committed on its own) before the checkout transaction runs, so a second
-- request with the same key sees it at once and answers 409 instead of waiting on a row lock. A claim whose
-- owner died is taken over once its lease has passed.
ALTER TABLE orders.idempotency_keys
    ADD COLUMN state text NOT NULL DEFAULT 'COMPLETED' CHECK (state IN ('IN_FLIGHT', 'COMPLETED')),
    ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now(),
    ALTER COLUMN response_status DROP NOT NULL,
    ALTER COLUMN response_body DROP NOT NULL;
ALTER TABLE orders.idempotency_keys ALTER COLUMN state DROP DEFAULT;
