package io.shop.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * An RS256 token signed with the committed development key (dev-keys/), for driving
 * admin endpoints of a local stack. The same thing order-service's POST /dev/tokens returns.
 */
final class DevToken {

    static final String ISSUER = "https://shop.example/issuer";

    private DevToken() {
    }

    static String admin(Path privateKeyPem, long userId) {
        return sign(privateKeyPem, userId, "admin");
    }

    static String customer(Path privateKeyPem, long userId) {
        return sign(privateKeyPem, userId, "customer");
    }

    private static String sign(Path privateKeyPem, long userId, String role) {
        try {
            String pem = Files.readString(privateKeyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            long now = Instant.now().getEpochSecond();
            String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
            String claims = b64.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + userId + "\",\"groups\":[\"" + role + "\"],"
                    + "\"iat\":" + now + ",\"exp\":" + (now + 7200) + "}").getBytes(StandardCharsets.UTF_8));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + b64.encodeToString(rsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a development token with " + privateKeyPem, e);
        }
    }
}
