package io.shop.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shop.common.testing.Tokens;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache in front of smallrye-jwt's real verifier (the development key pair): what it accepts without verifying
 * again, and that it never accepts what a full verification would refuse.
 */
class VerifiedTokenCacheTest {

    private JWTParser verifier;
    /** Full verifications the cache asked for. */
    private final AtomicInteger verifications = new AtomicInteger();
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void verifier() throws Exception {
        JWTParser real = new DefaultJWTParser(new JWTAuthContextInfo(KeyUtils.readPublicKey("dev-keys/publicKey.pem"),
                Tokens.ISSUER));
        InvocationHandler counting = (proxy, method, args) -> {
            verifications.incrementAndGet();
            try {
                return method.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        };
        verifier = (JWTParser) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{JWTParser.class}, counting);
    }

    private VerifiedTokenCache cache(long maxSize, Duration maxAge) {
        return new VerifiedTokenCache(verifier, new SimpleMeterRegistry(), maxSize, maxAge, clock);
    }

    private String token(String subject, Instant expiresAt) {
        return Jwt.issuer(Tokens.ISSUER).subject(subject).groups("customer").expiresAt(expiresAt).sign();
    }

    @Test
    void shouldVerifyATokenOnceAndReuseItUntilItExpires() throws ParseException {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        String token = token("7", Instant.now().plusSeconds(120));

        JsonWebToken first = cache.parse(token);
        JsonWebToken second = cache.parse(token);

        assertThat(first.getSubject()).isEqualTo("7");
        assertThat(first.getGroups()).containsExactly("customer");
        assertThat(second).isSameAs(first);
        assertThat(verifications).hasValue(1);

        // Past its expiry the token is no longer taken from the cache: it goes to the verifier again (which grants its
        // own clock skew; the cache grants none).
        clock.advance(Duration.ofSeconds(121));
        cache.parse(token);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void shouldVerifyAgainAfterMaxAgeEvenIfTheTokenLivesLonger() throws ParseException {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        String token = token("8", Instant.now().plusSeconds(3600));
        cache.parse(token);
        cache.parse(token);
        assertThat(verifications).hasValue(1);

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        cache.parse(token);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void shouldRefuseEveryTamperedOrForeignTokenEvenAfterItsGenuineTwinWasCached() throws ParseException {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        String genuine = token("9", Instant.now().plusSeconds(120));
        cache.parse(genuine);

        List<String> forgeries = new ArrayList<>(Tokens.forgeriesOf(genuine));
        forgeries.addAll(List.of(Tokens.foreignSignature(9), Tokens.unsigned(9), Tokens.expired(9), Tokens.wrongIssuer(9)));
        for (String forged : forgeries) {
            for (int attempt = 0; attempt < 2; attempt++) {
                int before = verifications.get();
                assertThatThrownBy(() -> cache.parse(forged)).isInstanceOf(ParseException.class);
                assertThat(verifications.get()).as("each refused token is verified in full, every time").isEqualTo(before + 1);
            }
        }
        assertThat(cache.parse(genuine).getGroups()).containsExactly("customer");
    }

    @Test
    void shouldNotKeepTokensLongerThanTheBound() throws ParseException {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        String padded = Jwt.issuer(Tokens.ISSUER).subject("10").groups("customer")
                .claim("padding", "x".repeat(VerifiedTokenCache.MAX_CACHED_TOKEN_CHARS))
                .expiresAt(Instant.now().plusSeconds(120)).sign();
        cache.parse(padded);
        cache.parse(padded);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void shouldKeepNoMoreThanMaxSizeTokens() throws ParseException {
        VerifiedTokenCache cache = cache(5, Duration.ofMinutes(5));
        for (int user = 0; user < 50; user++) {
            cache.parse(token(String.valueOf(user), Instant.now().plusSeconds(120)));
        }
        assertThat(cache.size()).isLessThanOrEqualTo(5);
    }

    /** Wall-clock time that the test can move forward (the verifier keeps the real clock). */
    private static final class MutableClock extends Clock {
        private Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
