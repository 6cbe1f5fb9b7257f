package io.shop.catalog.model.constraints;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A price: 0.01 to 1,000,000 with at most 2 decimals (the column is numeric(12, 2)). Each part reports its own
 * violation; null is valid (pair with @NotNull where required).
 */
@DecimalMin(value = "0.01", message = "must be at least 0.01")
@DecimalMax(value = "1000000", message = "must be at most 1000000")
@Digits(integer = 7, fraction = 2, message = "must have at most 2 decimals")
@Constraint(validatedBy = {})
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT})
@Retention(RUNTIME)
@Documented
public @interface Price {

    String message() default "invalid";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
