package io.shop.common.pagination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shop.common.error.ProblemException;
import org.junit.jupiter.api.Test;

class CursorTest {

    @Test
    void shouldRoundTripAKeyWithAnyCharacters() {
        Cursor cursor = new Cursor("price_asc", "O'Reilly | 12.50", 42);
        assertThat(Cursor.decode(cursor.encode(), "price_asc")).isEqualTo(cursor);
    }

    @Test
    void shouldRejectACursorOfAnotherSort() {
        String encoded = new Cursor("newest", "2025-01-01T00:00Z", 7).encode();
        assertThatThrownBy(() -> Cursor.decode(encoded, "price_asc"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.toProblem().invalidParams()).singleElement()
                            .satisfies(p -> assertThat(p.name()).isEqualTo("cursor"));
                });
    }

    @Test
    void shouldRejectGarbage() {
        for (String garbage : new String[] {"***", "bm9wZQ", new Cursor("newest", "k", 1).encode() + "x"}) {
            assertThatThrownBy(() -> Cursor.decode(garbage, "newest")).isInstanceOf(ProblemException.class);
        }
    }
}
