package io.shop.order.security;

import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The customer a request acts for: the verified token's subject, a user id. */
@RequestScoped
public class CurrentCustomer {

    private final JsonWebToken token;

    public CurrentCustomer(JsonWebToken token) {
        this.token = token;
    }

    public long id() {
        try {
            return Long.parseLong(token.getSubject());
        } catch (NumberFormatException | NullPointerException e) {
            throw new UnauthorizedException("the token's subject is not a customer id");
        }
    }
}
