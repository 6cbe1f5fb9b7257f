package io.shop.common.testing;

import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** Tokens for tests: valid ones signed with the development key, and each kind a server must refuse. */
public final class Tokens {

    public static final String ISSUER = "https://shop.example/issuer";

    private Tokens() {
    }

    public static String customer(long userId) {
        return Jwt.issuer(ISSUER).subject(String.valueOf(userId)).groups("customer").expiresIn(3600).sign();
    }

    public static String admin(long userId) {
        return Jwt.issuer(ISSUER).subject(String.valueOf(userId)).groups("admin").expiresIn(3600).sign();
    }

    public static String expired(long userId) {
        return Jwt.issuer(ISSUER).subject(String.valueOf(userId)).groups("customer")
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).sign();
    }

    public static String wrongIssuer(long userId) {
        return Jwt.issuer("https://attacker.example").subject(String.valueOf(userId)).groups("customer")
                .expiresIn(3600).sign();
    }

    /** Well-formed and RS256, but signed by a key the server does not trust. */
    public static String foreignSignature(long userId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return Jwt.issuer(ISSUER).subject(String.valueOf(userId)).groups("customer").expiresIn(3600)
                    .sign(generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classic forgery: "alg": "none" and no signature. */
    public static String unsigned(long userId) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + userId
                + "\",\"groups\":[\"customer\"],\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}")
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + claims + ".";
    }

    /**
     * Forgeries of a genuine token a server may already have accepted: its claims with the customer role turned into
     * admin (signature kept), its signature altered (claims kept), and one character more.
     */
    public static List<String> forgeriesOf(String genuine) {
        String[] parts = genuine.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String escalated = parts[0] + "." + b64.encodeToString(claims.replace("\"customer\"", "\"admin\"")
                .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        String otherSignature = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        return List.of(escalated, otherSignature, genuine + "x");
    }
}
