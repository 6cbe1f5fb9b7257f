package io.shop.common.pagination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shop.common.error.ProblemException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class CursorTest {

    @Test
    void shouldRoundTripAKeyWithAnyCharacters() {
        Cursor cursor = new Cursor("price_asc", "O'Reilly | 12.50", 42);
        assertThat(Cursor.decode(cursor.encode(), "price_asc")).isEqualTo(cursor);
    }

    @Test
    void shouldStartAtTheFirstPageWithoutACursor() {
        assertThat(Cursor.decode(null, "newest")).isNull();
        assertThat(Cursor.decode("  ", "newest")).isNull();
    }

    @Test
    void shouldParseTheKeyAsTheSortColumnsTypeOrRejectIt() {
        Cursor cursor = Cursor.decode(new Cursor("price_asc", "12.50", 3).encode(), "price_asc");
        BigDecimal price = cursor.key(BigDecimal::new);
        assertThat(price).isEqualByComparingTo("12.50");
        assertThatThrownBy(() -> cursor.key(OffsetDateTime::parse))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
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
