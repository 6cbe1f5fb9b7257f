package io.shop.catalog.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** What a customer posts: a rating of 1 to 5 and, optionally, up to 2,000 characters of text ({@code body}, or {@code text}). */
public record NewReview(
        @NotNull(message = "is required: 1 to 5") @Min(value = 1, message = "must be 1 to 5") @Max(value = 5, message = "must be 1 to 5")
        Integer rating,
        @JsonAlias("text") String body) {

    /** In characters (code points: an emoji is one). */
    public static final int MAX_BODY = 2000;

    public String bodyOrEmpty() {
        return body == null ? "" : body;
    }
}
