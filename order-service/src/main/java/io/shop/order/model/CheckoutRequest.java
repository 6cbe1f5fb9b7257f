package io.shop.order.model;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * What a customer asks to buy: variants and quantities, nothing else. Prices and the customer come from the
 * database and the token; a body naming them (price, userId, ...) is rejected as an unknown field.
 */
public record CheckoutRequest(
        @NotNull(message = "is required") @Size(min = 1, max = 50, message = "must have 1 to 50 lines")
        List<@Valid @NotNull(message = "must not be null") Line> lines) {

    /** One line of the order; quantity is a long so that any too-large number is reported as out of range. */
    public record Line(
            @NotNull(message = "is required") @Positive(message = "must be a positive id") Long variantId,
            @NotNull(message = "is required") @Min(value = 1, message = "must be at least 1")
            @Max(value = 100, message = "must be at most 100") Long quantity) {

        public int units() {
            return quantity.intValue();
        }
    }
}
