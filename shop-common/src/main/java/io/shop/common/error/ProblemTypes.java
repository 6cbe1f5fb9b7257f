package io.shop.common.error;

/** The problem type URIs of the suite, one per kind of failure a client may want to branch on. */
public final class ProblemTypes {

    private static final String BASE = "https://shop.example/problems/";

    private ProblemTypes() {
    }

    public static String forStatus(int status) {
        return BASE + switch (status) {
            case 400 -> "invalid-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 422 -> "unprocessable";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal-error" : "http-" + status;
        };
    }
}
