package io.shop.common.error;

import io.shop.common.error.Problem.InvalidParam;
import java.util.List;

/** Thrown anywhere in a request to answer with a problem+json response of the given status. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<InvalidParam> invalidParams;

    public ProblemException(int status, String title, String detail, List<InvalidParam> invalidParams) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.invalidParams = List.copyOf(invalidParams);
    }

    public static ProblemException badRequest(List<InvalidParam> invalidParams) {
        return new ProblemException(400, "Invalid request",
                "The request has " + invalidParams.size() + " invalid parameter(s)", invalidParams);
    }

    public static ProblemException badRequest(String field, String reason) {
        return badRequest(List.of(new InvalidParam(field, reason)));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail, List.of());
    }

    public static ProblemException conflict(String title, String detail) {
        return new ProblemException(409, title, detail, List.of());
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(503, "Service unavailable", detail, List.of());
    }

    public Problem toProblem() {
        return new Problem(ProblemTypes.forStatus(status), title, status, getMessage(), invalidParams);
    }

    public int status() {
        return status;
    }
}
