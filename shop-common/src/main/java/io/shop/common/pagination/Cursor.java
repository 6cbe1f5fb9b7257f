package io.shop.common.pagination;

import io.shop.common.error.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;

/**
 * An opaque keyset-pagination cursor: the sort it belongs to, the last row's sort key and the last row's id.
 * Clients pass it back untouched; anything that does not decode to the same sort is rejected as "cursor".
 */
public record Cursor(String sort, String key, long id) {

    private static final String FIELD = "cursor";
    private static final char SEPARATOR = '\u001f';

    public String encode() {
        String raw = sort + SEPARATOR + key + SEPARATOR + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes a cursor made by {@link #encode()} for the given sort; null when none was sent (the first page).
     * Anything else fails with a 400 naming "cursor".
     */
    public static Cursor decode(String encoded, String expectedSort) {
        if (encoded == null || encoded.isBlank()) {
            return null;
        }
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        String[] parts = raw.split(String.valueOf(SEPARATOR), -1);
        if (parts.length != 3) {
            throw malformed();
        }
        if (!parts[0].equals(expectedSort)) {
            throw ProblemException.badRequest(FIELD, "cursor was issued for sort '" + parts[0]
                    + "', not '" + expectedSort + "'");
        }
        try {
            return new Cursor(parts[0], parts[1], Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            throw malformed();
        }
    }

    /** The key as the sort column's own type; a key that does not parse is a malformed cursor (400). */
    public <T> T key(Function<String, T> parse) {
        try {
            return parse.apply(key);
        } catch (RuntimeException e) {
            throw malformed();
        }
    }

    private static ProblemException malformed() {
        return ProblemException.badRequest(FIELD, "malformed cursor: pass back the nextCursor of a previous page");
    }
}
