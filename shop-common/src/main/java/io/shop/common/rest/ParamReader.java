package io.shop.common.rest;

import io.shop.common.error.Problem.InvalidParam;
import io.shop.common.error.ProblemException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads raw query and path parameters, collecting every rejected one so a client learns all its mistakes in
 * one 400 response. JAX-RS would answer a non-numeric {@code long} parameter with a bare 404; this names the field.
 */
public final class ParamReader {

    private final List<InvalidParam> invalid = new ArrayList<>();

    /** A required positive id, e.g. a path parameter. */
    public long id(String name, String raw) {
        Long value = optionalLong(name, raw, 1, Long.MAX_VALUE);
        if (value == null && !isRejected(name)) {
            reject(name, "is required");
        }
        return value == null ? 0 : value;
    }

    public Long optionalLong(String name, String raw, long min, long max) {
        if (isBlank(raw)) {
            return null;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < min || value > max) {
                reject(name, "must be between " + min + " and " + max);
                return null;
            }
            return value;
        } catch (NumberFormatException e) {
            reject(name, "must be a whole number");
            return null;
        }
    }

    public int intInRange(String name, String raw, int defaultValue, int min, int max) {
        Long value = optionalLong(name, raw, min, max);
        return value == null ? defaultValue : value.intValue();
    }

    public BigDecimal optionalDecimal(String name, String raw, BigDecimal min, BigDecimal max) {
        if (isBlank(raw)) {
            return null;
        }
        try {
            BigDecimal value = new BigDecimal(raw.trim());
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                reject(name, "must be between " + min.toPlainString() + " and " + max.toPlainString());
                return null;
            }
            return value;
        } catch (NumberFormatException e) {
            reject(name, "must be a decimal number");
            return null;
        }
    }

    public Boolean optionalBoolean(String name, String raw) {
        if (isBlank(raw)) {
            return null;
        }
        return switch (raw.trim()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> {
                reject(name, "must be true or false");
                yield null;
            }
        };
    }

    /** Free text, trimmed; null when absent or blank. */
    public String optionalText(String name, String raw, int maxLength) {
        if (isBlank(raw)) {
            return null;
        }
        String value = raw.trim();
        if (value.length() > maxLength) {
            reject(name, "must be at most " + maxLength + " characters");
            return null;
        }
        if (value.indexOf('\u0000') >= 0) {
            reject(name, "must not contain the NUL character");
            return null;
        }
        return value;
    }

    /** One of an allow-list of values; the default when absent. */
    public <E> E oneOf(String name, String raw, Map<String, E> allowed, E defaultValue) {
        if (isBlank(raw)) {
            return defaultValue;
        }
        E value = allowed.get(raw.trim());
        if (value == null) {
            reject(name, "must be one of " + String.join(", ", allowed.keySet().stream().sorted().toList()));
        }
        return value;
    }

    public void reject(String name, String reason) {
        invalid.add(new InvalidParam(name, reason));
    }

    public boolean isRejected(String name) {
        return invalid.stream().anyMatch(p -> p.name().equals(name));
    }

    /** Throws a 400 problem naming every rejected parameter, if any was rejected. */
    public void throwIfInvalid() {
        if (!invalid.isEmpty()) {
            throw ProblemException.badRequest(invalid);
        }
    }

    private static boolean isBlank(String raw) {
        return raw == null || raw.isBlank();
    }
}
