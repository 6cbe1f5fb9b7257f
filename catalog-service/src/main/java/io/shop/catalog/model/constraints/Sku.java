package io.shop.catalog.model.constraints;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A variant SKU: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters. Each
 * part reports its own violation; null is valid (pair with @NotNull where required).
 */
@Size(max = Sku.MAX, message = "must be at most " + Sku.MAX + " characters")
@Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*",
        message = "must be letters, digits, '.', '_' or '-', starting with a letter or digit")
@Constraint(validatedBy = {})
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT})
@Retention(RUNTIME)
@Documented
public @interface Sku {
    int MAX = 64;

    String message() default "invalid";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
