package io.shop.catalog.model;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Units received for a variant; a long so that any too-large number is reported as out of range. */
public record Restock(
        @NotNull(message = "is required") @Min(value = 1, message = "must be at least 1")
        @Max(value = 100000, message = "must be at most 100000") Long quantity) {
}
