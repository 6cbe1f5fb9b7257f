package io.shop.common.pagination;

import io.shop.common.error.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

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

    /** Decodes a cursor made by {@link #encode()} for the given sort, or fails with a 400 naming "cursor". */
    public static Cursor decode(String encoded, String expectedSort) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(FIELD, "malformed cursor: pass back the nextCursor of a previous page");
        }
        String[] parts = raw.split(String.valueOf(SEPARATOR), -1);
        if (parts.length != 3) {
            throw ProblemException.badRequest(FIELD, "malformed cursor: pass back the nextCursor of a previous page");
        }
        if (!parts[0].equals(expectedSort)) {
            throw ProblemException.badRequest(FIELD, "cursor was issued for sort '" + parts[0]
                    + "', not '" + expectedSort + "'");
        }
        try {
            return new Cursor(parts[0], parts[1], Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(FIELD, "malformed cursor: pass back the nextCursor of a previous page");
        }
    }
}
