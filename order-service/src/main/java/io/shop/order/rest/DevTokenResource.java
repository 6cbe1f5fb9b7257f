package io.shop.order.rest;

import io.shop.common.error.ProblemException;
import io.smallrye.jwt.build.Jwt;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Issues tokens signed with the public development key, for local use, tests and load tests. Off unless
 * shop.auth.dev-tokens-enabled is true: the prod profile leaves it off, so production takes tokens only from
 * its identity provider.
 */
@Path("/dev/tokens")
@Tag(name = "development")
public class DevTokenResource {

    /** Who the token is for and for how long. */
    public record TokenRequest(
            @NotNull(message = "is required") @Positive(message = "must be a positive user id") Long userId,
            @Size(max = 5, message = "at most 5 roles")
            List<@Pattern(regexp = "customer|admin", message = "must be customer or admin") String> roles,
            @Min(value = 60, message = "at least 60") @Max(value = 86400, message = "at most 86400") Integer ttlSeconds) {
    }

    /** A signed token and when it expires. */
    public record TokenResponse(String token, Instant expiresAt) {
    }

    private final boolean enabled;
    private final String issuer;

    public DevTokenResource(@ConfigProperty(name = "shop.auth.dev-tokens-enabled") boolean enabled,
                            @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer) {
        this.enabled = enabled;
        this.issuer = issuer;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a development token (disabled unless shop.auth.dev-tokens-enabled=true)")
    public TokenResponse issueToken(@Valid @NotNull(message = "a JSON body is required") TokenRequest request) {
        if (!enabled) {
            throw ProblemException.notFound("No resource at this path");
        }
        Instant expiresAt = Instant.now().plusSeconds(request.ttlSeconds() == null ? 3600 : request.ttlSeconds());
        List<String> roles = request.roles() == null || request.roles().isEmpty() ? List.of("customer") : request.roles();
        String token = Jwt.issuer(issuer)
                .subject(String.valueOf(request.userId()))
                .upn("user" + request.userId())
                .groups(new HashSet<>(roles))
                .expiresAt(expiresAt)
                .sign();
        return new TokenResponse(token, expiresAt);
    }
}
