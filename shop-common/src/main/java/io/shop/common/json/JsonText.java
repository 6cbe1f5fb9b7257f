package io.shop.common.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Serializes a value the suite owns (records, maps of plain values) to JSON text, where failing is a bug. */
public final class JsonText {

    private JsonText() {
    }

    public static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(value.getClass().getSimpleName() + " is not serializable", e);
        }
    }
}
