package io.shop.order.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shop.common.testing.OpenApiSecurity;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document tells a generated client to send a bearer token exactly where the service wants one:
 * one scheme, jwt (HTTP bearer, JWT), on every operation that answers 401 without a token and on no other.
 */
@QuarkusTest
class OpenApiSecurityTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyOperationThatNeedsATokenDocumentsTheOneBearerScheme() throws Exception {
        assertThat(OpenApiSecurity.mismatches(base)).isEmpty();
    }
}
