package io.shop.common.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shop.common.error.Problem.InvalidParam;
import io.shop.common.error.ProblemException;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamReaderTest {

    @Test
    void shouldReportEveryInvalidParameterAtOnce() {
        ParamReader params = new ParamReader();
        params.id("id", "abc");
        params.intInRange("limit", "500", 20, 1, 100);
        params.optionalDecimal("minPrice", "cheap", BigDecimal.ZERO, BigDecimal.TEN);
        params.oneOf("sort", "random()", Map.of("newest", 1), 1);

        assertThatThrownBy(params::throwIfInvalid).isInstanceOfSatisfying(ProblemException.class, e ->
                assertThat(e.toProblem().invalidParams()).extracting(InvalidParam::name)
                        .containsExactly("id", "limit", "minPrice", "sort"));
    }

    @Test
    void shouldUseDefaultsForAbsentParameters() {
        ParamReader params = new ParamReader();
        assertThat(params.intInRange("limit", null, 20, 1, 100)).isEqualTo(20);
        assertThat(params.optionalText("q", "   ", 10)).isNull();
        assertThat(params.oneOf("sort", "", Map.of("newest", 1), 2)).isEqualTo(2);
        params.throwIfInvalid();
    }
}
