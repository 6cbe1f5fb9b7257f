package io.shop.catalog.model;

/** Limits shared by the admin bodies, so that creating and editing accept the same text. */
final class CatalogText {

    static final int NAME_MAX = 200;
    /** One line with something on it: names show in lists and titles. */
    static final String NAME = "[^\\p{Cntrl}]*[^\\p{Cntrl}\\s][^\\p{Cntrl}]*";
    static final String NAME_MESSAGE = "must not be blank or hold control characters (line breaks, tabs)";
    static final int DESCRIPTION_MAX = 5000;
    static final int ATTRIBUTE_MAX = 50;
    /** Lower-case words joined by single hyphens: safe in a URL as it is. */
    static final String SLUG = "[a-z0-9]+(-[a-z0-9]+)*";
    static final String SLUG_MESSAGE = "must be lower-case letters and digits in words joined by '-'";
    static final int SLUG_MAX = 100;
    /** Letters, digits, '.', '_' and '-', starting with a letter or digit. */
    static final String SKU = "[A-Za-z0-9][A-Za-z0-9._-]*";
    static final String SKU_MESSAGE = "must be letters, digits, '.', '_' or '-', starting with a letter or digit";
    static final int SKU_MAX = 64;

    private CatalogText() {
    }
}
