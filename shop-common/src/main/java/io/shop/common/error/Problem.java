package io.shop.common.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error response of the suite.
 *
 * @param invalidParams the request fields that were rejected, each with the reason; empty when the problem
 *                      is not about a field
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        @JsonProperty("invalid-params") List<InvalidParam> invalidParams) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** A problem that is not about particular request fields. */
    public static Problem of(int status, String title, String detail) {
        return new Problem(ProblemTypes.forStatus(status), title, status, detail, List.of());
    }

    /** One rejected request field: its name as the client sent it, and why it was rejected. */
    public record InvalidParam(String name, String reason) {
    }
}
