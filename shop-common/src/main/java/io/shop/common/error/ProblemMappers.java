package io.shop.common.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.shop.common.error.Problem.InvalidParam;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become HTTP responses: every error is application/problem+json, and no stack
 * trace or internal message ever reaches the client.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @Inject
    Instance<DependencyFailures> dependencies;

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.toProblem());
    }

    /** No token, or one that is expired, from another issuer, badly signed or unsigned (alg=none). */
    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e) {
        Response problem = respond(Problem.of(401, "Unauthorized", "A valid bearer token is required"));
        return Response.fromResponse(problem).header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "Forbidden", "The token does not grant this operation"));
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e) {
        List<InvalidParam> params = e.getConstraintViolations().stream()
                .map(v -> new InvalidParam(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(InvalidParam::name))
                .collect(Collectors.toList());
        return respond(ProblemException.badRequest(params).toProblem());
    }

    /**
     * Bodies that are not JSON, have unknown fields or fields of the wrong type. One method per Jackson type:
     * Quarkus ships mappers for the specific types, and the most specific mapper wins.
     */
    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return respond(jsonProblem(e));
    }

    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        return respond(jsonProblem(e));
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return respond(jsonProblem(e));
    }

    private static final java.util.regex.Pattern DUPLICATE_KEY = java.util.regex.Pattern.compile("^Duplicate field '([^']*)'");

    static Problem jsonProblem(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return ProblemException.badRequest(unknown.getPropertyName(),
                    "unknown field: it is not part of this request and is never trusted").toProblem();
        }
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        java.util.regex.Matcher duplicate = DUPLICATE_KEY.matcher(message);
        if (duplicate.find()) {
            return ProblemException.badRequest(duplicate.group(1), "given more than once").toProblem();
        }
        if (message.startsWith("Trailing token")) {
            return ProblemException.badRequest("body", "content after the JSON value").toProblem();
        }
        if (e instanceof MismatchedInputException mismatch) {
            String path = mismatch.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return ProblemException.badRequest(path.isEmpty() ? "body" : path,
                    "wrong type, shape or range for this field").toProblem();
        }
        return ProblemException.badRequest("body", "not valid JSON").toProblem();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return respond(jsonProblem(json));
        }
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        String detail = status == 404 ? "No resource at this path" : e.getMessage();
        return respond(Problem.of(status, e.getResponse().getStatusInfo().getReasonPhrase(), detail));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        for (DependencyFailures dependency : dependencies) {
            Optional<Problem> problem = dependency.problemFor(e);
            if (problem.isPresent()) {
                return respond(problem.get());
            }
        }
        LOG.error("unexpected failure", e);
        return respond(Problem.of(500, "Internal error", "The request could not be completed; it has been logged"));
    }

    /** A 503 is never the client's fault and passes: it says when to try again. */
    private static Response respond(Problem problem) {
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (problem.status() == 503) {
            response.header("Retry-After", "1");
        }
        return response.build();
    }

    /**
     * "checkout.request.lines[0].quantity" becomes "lines[0].quantity", and "create.product.variants[0].<list
     * element>" becomes "variants[0]": the name the client used. A violation of the method's parameter itself
     * ("create.product": no body, or JSON null) is the body's: the Java parameter name means nothing to a client.
     */
    private static String fieldName(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString().replace(".<list element>", "");
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : "body";
    }
}
