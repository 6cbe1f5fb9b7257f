package io.shop.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The parser Quarkus verifies bearer tokens with (it replaces smallrye-jwt's {@link DefaultJWTParser} as the
 * {@link JWTParser} bean): smallrye-jwt verifies each distinct token once, and the verified token is reused for the
 * same string until the earliest of its expiry and {@code shop.auth.verified-token-cache.max-age}. A client sends the
 * same token with every request until it expires; verifying its RS256 signature and claims each time was 13% of
 * order-service's CPU under checkouts and 15% of a catalog instance's under admin writes.
 *
 * <p>Why it is safe: the key is the whole token string, so a token differing in any character (another signature,
 * claim or header) is a different key and is verified in full; only tokens smallrye-jwt accepted are kept, each
 * entry expiring at the earliest of the token's {@code exp} and max-age on the clock the expiry is judged by (the
 * cache never returns an expired entry, whether or not it was cleaned up yet), so a hit never accepts what a full
 * verification at that moment would refuse. Refused tokens are never kept: each is verified, and refused, again.
 * The cache is bounded in entries and in the length of the tokens it keeps, so it holds at most about
 * {@code max-size} x 4 KB whatever clients send, and a token can only enter it with a valid signature. Why by hand:
 * smallrye-jwt and Quarkus have no such cache (Quarkus OIDC's token cache is for introspection, another extension).
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache implements JWTParser {

    /** Longer tokens are verified every time: they would make the cache's memory bound meaningless. */
    static final int MAX_CACHED_TOKEN_CHARS = 4096;

    private final JWTParser verifier;
    private final Clock clock;
    private final Cache<String, JsonWebToken> verified;
    private final Counter acceptedFromCache;
    private final Counter acceptedVerified;

    @Inject
    public VerifiedTokenCache(DefaultJWTParser verifier, MeterRegistry registry,
                              @ConfigProperty(name = "shop.auth.verified-token-cache.max-size", defaultValue = "10000") long maxSize,
                              @ConfigProperty(name = "shop.auth.verified-token-cache.max-age", defaultValue = "PT5M") Duration maxAge) {
        this((JWTParser) verifier, registry, maxSize, maxAge, Clock.systemUTC());
    }

    VerifiedTokenCache(JWTParser verifier, MeterRegistry registry, long maxSize, Duration maxAge, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
        this.verified = Caffeine.newBuilder().maximumSize(maxSize)
                // Entries expire on the clock that judges the tokens' exp (and that tests move).
                .ticker(() -> clock.millis() * 1_000_000)
                .expireAfter(Expiry.writing((String token, JsonWebToken jwt) -> Duration.ofMillis(Math.min(
                        maxAge.toMillis(), Math.max(0, jwt.getExpirationTime() * 1000 - clock.millis())))))
                .build();
        this.acceptedFromCache = accepted(registry, "cached");
        this.acceptedVerified = accepted(registry, "verified");
    }

    private static Counter accepted(MeterRegistry registry, String how) {
        return Counter.builder("auth.token.verifications").tag("result", how)
                .description("Bearer tokens accepted: verified in full, or found verified and unexpired").register(registry);
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (token == null || token.length() > MAX_CACHED_TOKEN_CHARS) {
            return verifier.parse(token);
        }
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null) {
            acceptedFromCache.increment();
            return known;
        }
        JsonWebToken fresh = verifier.parse(token); // throws for every token it refuses: those are never kept
        acceptedVerified.increment();
        // Not one already past its exp (the verifier grants clock skew; the cache grants none).
        if (fresh.getExpirationTime() * 1000 > clock.millis()) {
            verified.put(token, fresh);
        }
        return fresh;
    }

    /** Tokens kept now (after the cache's pending clean-up). */
    long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }

    // ---- other ways of parsing (explicit keys, another context): not what requests use, never cached

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
